// NumPy's default_rng(seed).permutation, reproduced: fixtures made by numpy itself
// (tools/fixtures/make_data_fixtures.py --only numpy).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numpyPermutation } from './numpy-permutation.js';
import { Pcg64 } from './pcg64.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/numpy-random.json', import.meta.url), 'utf8'),
) as {
  permutations: { seed: number; n: number; permutation: number[] }[];
  chained_seed42_n50: [number[], number[]];
};

describe('numpyPermutation', () => {
  it.each(fixture.permutations.map((p) => [p.seed, p.n, p.permutation] as const))(
    'default_rng(%d).permutation(%d) index for index',
    (seed, n, expected) => {
      expect(numpyPermutation(n, seed)).toEqual(expected);
    },
  );

  it('draws successive permutations from one generator as numpy does', () => {
    const rng = new Pcg64(42);
    expect([numpyPermutation(50, rng), numpyPermutation(50, rng)]).toEqual(fixture.chained_seed42_n50);
  });

  it('restores a saved state to the same future draws', () => {
    const rng = new Pcg64(7);
    numpyPermutation(13, rng);
    rng.nextUint32(); // leaves half of a 64-bit draw buffered: the state must carry it
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = numpyPermutation(100, rng);
    expect(numpyPermutation(100, Pcg64.fromState(saved))).toEqual(expected);
  });

  it('rejects a negative length', () => {
    expect(() => numpyPermutation(-1, 0)).toThrow(/non-negative/);
  });
});
