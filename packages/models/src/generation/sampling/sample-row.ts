import type { Generator } from '@medgpt/core-tensor';
import { softmaxRow } from './softmax-row.js';

/** Draws a token from softmax(row) (torch.multinomial's role) with one uniform draw from `rng`. */
export function sampleRow(row: ArrayLike<number>, rng: Generator): number {
  const probs = softmaxRow(row);
  const u = rng.uniform(1)[0]!;
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! === 0) continue;
    last = i;
    cumulative += probs[i]!;
    if (u < cumulative) return i;
  }
  // Rounding left the total a hair under u: the last possible token.
  return last;
}
