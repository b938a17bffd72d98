import { softmaxRow } from './softmax-row.js';

/**
 * transformers' TopPLogitsWarper (nucleus): sorting ascending, tokens whose cumulative probability is
 * <= 1 - topP become -Infinity; the most likely token always stays. topP >= 1 keeps everything.
 */
export function topPFilter(row: Float32Array, topP: number): Float32Array {
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`top_p must be in (0, 1], got ${topP}`);
  if (topP >= 1) return row.slice();
  const probs = softmaxRow(row);
  const order = Array.from(row.keys()).sort((a, b) => row[a]! - row[b]!);
  const out = row.slice();
  let cumulative = 0;
  for (let i = 0; i < order.length - 1; i++) {
    cumulative += probs[order[i]!]!;
    if (cumulative <= 1 - topP) out[order[i]!] = -Infinity;
    else break;
  }
  return out;
}
