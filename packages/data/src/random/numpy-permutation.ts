import { Pcg64 } from './pcg64.js';

/**
 * `np.random.default_rng(seed).permutation(n)`, or the next permutation drawn from `rng`: NumPy's
 * Fisher-Yates from the back, with `random_interval` draws. Python `datasets`' `shuffle(seed)` and
 * `train_test_split(seed)` are this permutation.
 */
export function numpyPermutation(n: number, seedOrRng: number | Pcg64): number[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`permutation length must be a non-negative integer, got ${n}`);
  const rng = typeof seedOrRng === 'number' ? new Pcg64(seedOrRng) : seedOrRng;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i >= 1; i--) {
    const j = rng.interval(i);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}
