import { softmaxRow } from './softmax-row.js';

/**
 * transformers' MinPLogitsWarper: tokens whose probability is below minP times the top token's become
 * -Infinity; the top token always stays. minP 0 keeps everything.
 */
export function minPFilter(row: Float32Array, minP: number): Float32Array {
  if (!(minP >= 0 && minP <= 1)) throw new RangeError(`min_p must be in [0, 1], got ${minP}`);
  const probs = softmaxRow(row);
  let top = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[top]!) top = i;
  const cut = minP * probs[top]!;
  return row.map((v, i) => (i !== top && probs[i]! < cut ? -Infinity : v));
}
