import { numpyPermutation } from '../random/numpy-permutation.js';
import type { Pcg64 } from '../random/pcg64.js';

/**
 * transformers' `get_length_grouped_indices` (`--group_by_length`): a random permutation cut into
 * mega-batches of `min(n / (4 * batchSize), 50)` batches, each sorted longest first and cut into
 * batches, with the longest sample moved to the first batch (an OOM shows at step 1, not hours
 * later). Rows of a batch have similar lengths, so dynamic padding wastes little.
 */
export function lengthGroupedOrder(lengths: readonly number[], batchSize: number, rng: Pcg64): number[] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const n = lengths.length;
  const megaBatchMult = Math.max(1, Math.min(Math.floor(n / (batchSize * 4)), 50));
  const megaSize = megaBatchMult * batchSize;
  const indices = numpyPermutation(n, rng);
  const megaBatches: number[][] = [];
  for (let i = 0; i < n; i += megaSize) {
    megaBatches.push(indices.slice(i, i + megaSize).sort((a, b) => lengths[b]! - lengths[a]!));
  }
  if (megaBatches.length > 1) {
    // Swap the longest sample (the first of some mega-batch) to the very front.
    let longest = 0;
    for (let m = 1; m < megaBatches.length; m++) {
      if (lengths[megaBatches[m]![0]!]! > lengths[megaBatches[longest]![0]!]!) longest = m;
    }
    const first = megaBatches[0]!;
    const other = megaBatches[longest]!;
    [first[0], other[0]] = [other[0]!, first[0]!];
  }
  return megaBatches.flat();
}
