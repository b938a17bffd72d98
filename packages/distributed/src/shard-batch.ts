/**
 * Rank `rank`'s part of a global micro-batch: a contiguous slice, the sizes as even as possible (the
 * first `length % worldSize` ranks take one more). Concatenating every rank's part in rank order gives
 * `items` back, so a run of N processes sees the batches of a single process whose micro-batch is N
 * times larger, in the same order (a rank may get none when the batch has fewer rows than ranks).
 */
export function shardBatch<T>(items: readonly T[], rank: number, worldSize: number): T[] {
  if (!(Number.isSafeInteger(worldSize) && worldSize >= 1))
    throw new RangeError(`shardBatch: world size ${worldSize} is not an integer >= 1`);
  if (!(Number.isSafeInteger(rank) && rank >= 0 && rank < worldSize))
    throw new RangeError(`shardBatch: rank ${rank} is not in [0, ${worldSize})`);
  const base = Math.floor(items.length / worldSize);
  const extra = items.length % worldSize;
  const start = rank * base + Math.min(rank, extra);
  return items.slice(start, start + base + (rank < extra ? 1 : 0));
}
