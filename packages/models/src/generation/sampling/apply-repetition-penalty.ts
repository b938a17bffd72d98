/**
 * transformers' RepetitionPenaltyLogitsProcessor (CTRL): every token id in `seen` has its logit
 * divided by `penalty` when positive and multiplied by it when negative. Returns a new row.
 */
export function applyRepetitionPenalty(
  row: Float32Array,
  seen: Iterable<number>,
  penalty: number,
): Float32Array {
  if (!(penalty > 0)) throw new RangeError(`repetition penalty must be > 0, got ${penalty}`);
  const out = row.slice();
  for (const id of new Set(seen)) {
    if (id < 0 || id >= out.length) continue;
    const v = row[id]!;
    out[id] = v < 0 ? v * penalty : v / penalty;
  }
  return out;
}
