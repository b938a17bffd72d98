/** Softmax of a logits row in float64 (-Infinity entries get probability 0). */
export function softmaxRow(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  const out = new Float64Array(row.length);
  if (max === -Infinity) throw new RangeError('softmax of a row where every logit is -Infinity');
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const e = Math.exp(row[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
