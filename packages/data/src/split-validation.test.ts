import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonRound } from './python-round.js';
import { numpyPermutation } from './random/numpy-permutation.js';
import { splitValidation, trainTestSplit } from './split-validation.js';

const numpyFixture = JSON.parse(
  readFileSync(new URL('./fixtures/numpy-random.json', import.meta.url), 'utf8'),
) as {
  sft_splits?: {
    n: number;
    percentage: number;
    train: number[];
    validation: number[];
    train_reshuffled: number[];
  }[];
};

describe('splitValidation', () => {
  it('SFT: shuffle(42) then train_test_split(p/100, seed 42), as datasets does', () => {
    const n = 1000;
    const { train, validation } = splitValidation(n, { rule: 'shuffle-split', percentage: 1 });
    // Independent composition of the two numpy permutations datasets draws.
    const shuffled = numpyPermutation(n, 42);
    const split = numpyPermutation(n, 42);
    expect(validation).toEqual(split.slice(0, 10).map((i) => shuffled[i]));
    expect(train).toEqual(split.slice(10).map((i) => shuffled[i]));
  });

  it.skipIf(!numpyFixture.sft_splits)("SFT: equals datasets' own split (fixture)", () => {
    for (const s of numpyFixture.sft_splits!) {
      const ours = splitValidation(s.n, { rule: 'shuffle-split', percentage: s.percentage });
      expect(ours).toEqual({ train: s.train, validation: s.validation });
    }
  });

  it('computes n_test = ceil(test_size * n) in floating point, as Python', () => {
    expect((7 / 100) * 100).toBeGreaterThan(7); // 7.000000000000001, so ceil gives 8, as in Python
    expect(trainTestSplit(100, 7 / 100, 42).validation).toHaveLength(8);
    expect(trainTestSplit(100, 6 / 100, 42).validation).toHaveLength(6);
    expect(() => trainTestSplit(1, 0.5, 42)).toThrow(/train split would be empty/);
  });

  it('PT/RM/ORPO take the first round(p% of n) rows, ties to even (datasets "train[:p%]")', () => {
    expect(splitValidation(996, { rule: 'head-round', percentage: 1 }).validation).toHaveLength(10);
    expect(splitValidation(50, { rule: 'head-round', percentage: 1 }).validation).toHaveLength(0); // round(0.5) = 0
    expect(splitValidation(150, { rule: 'head-round', percentage: 1 }).validation).toHaveLength(2); // round(1.5) = 2
    const { train, validation } = splitValidation(10, { rule: 'head-round', percentage: 30 });
    expect([validation, train]).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6, 7, 8, 9],
    ]);
  });

  it('DPO takes the first int(n * p / 100) rows', () => {
    expect(splitValidation(199, { rule: 'head-floor', percentage: 1 }).validation).toEqual([0]);
    expect(splitValidation(500, { rule: 'head-floor', percentage: 1 }).validation).toHaveLength(5);
  });

  it('GRPO holds out ceil(10%) with the seed; PPO needs a validation directory', () => {
    expect(splitValidation(32, { rule: 'test-size' }).validation).toHaveLength(4);
    expect(() => splitValidation(32, { rule: 'required' })).toThrow(/validation_file_dir/);
    expect(() => splitValidation(32, { rule: 'head-round', percentage: 100 })).toThrow(/\[0, 100\)/);
  });

  it('pythonRound rounds half to even', () => {
    expect([0.5, 1.5, 2.5, 2.4999, -0.5, 3.5].map(pythonRound)).toEqual([0, 2, 2, 2, 0, 4]);
  });
});
