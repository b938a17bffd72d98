/** A [B][T] matrix on the host: one row per completion, one entry per completion token. */
export type HostRows = readonly ArrayLike<number>[];

/** Throws unless `rows` has the shape of `like` (same row count, same length per row). */
export function checkRowsLike(
  op: string,
  name: string,
  rows: HostRows,
  likeName: string,
  like: HostRows,
): void {
  if (rows.length !== like.length) {
    throw new Error(`${op}: ${name} has ${rows.length} rows, ${likeName} has ${like.length}`);
  }
  rows.forEach((row, b) => {
    if (row.length !== like[b]!.length) {
      throw new Error(
        `${op}: row ${b} of ${name} has ${row.length} entries, of ${likeName} ${like[b]!.length}`,
      );
    }
  });
}
