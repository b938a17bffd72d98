/**
 * transformers' TopKLogitsWarper: logits below the k-th largest become -Infinity (ties with it stay).
 * k <= 0 or k >= the row length keeps everything. Returns a new row.
 */
export function topKFilter(row: Float32Array, k: number): Float32Array {
  if (!Number.isInteger(k)) throw new RangeError(`top_k must be an integer, got ${k}`);
  if (k <= 0 || k >= row.length) return row.slice();
  const sorted = row.slice().sort();
  const threshold = sorted[row.length - k]!;
  return row.map((v) => (v < threshold ? -Infinity : v));
}
