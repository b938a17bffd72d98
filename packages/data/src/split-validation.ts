import { pythonRound } from './python-round.js';
import { numpyPermutation } from './random/numpy-permutation.js';
import type { Stage } from './stage.js';

/**
 * How each MedicalGPT stage carves a validation set out of the training files when no
 * `--validation_file_dir` is given (reference §1, "Validation split"):
 * - `shuffle-split` (SFT): `shuffle(seed=42)`, then `train_test_split(test_size=p/100, seed=42)`;
 * - `head-round` (PT, RM, ORPO): `split="train[:p%]"`, the first round(p% of n) rows (ties to even);
 * - `head-floor` (DPO, and SimPO/CPO/KTO, which have no MedicalGPT script and follow dpo_training.py):
 *   the first int(n * p / 100) rows;
 * - `test-size` (GRPO): `train_test_split(test_size=0.1)` (unseeded in Python; seeded here);
 * - `required` (PPO/RLOO): a validation directory must be given.
 */
export type SplitRule = 'shuffle-split' | 'head-round' | 'head-floor' | 'test-size' | 'required';

export const STAGE_SPLIT_RULE: Readonly<Record<Stage, SplitRule>> = {
  sft: 'shuffle-split',
  pt: 'head-round',
  rm: 'head-round',
  orpo: 'head-round',
  dpo: 'head-floor',
  simpo: 'head-floor',
  cpo: 'head-floor',
  kto: 'head-floor',
  grpo: 'test-size',
  ppo: 'required',
};

export interface SplitOptions {
  readonly rule: SplitRule;
  /** `--validation_split_percentage` (MedicalGPT default 1); ignored by `test-size`, which takes 10%. */
  readonly percentage?: number;
  /** Seed of the shuffles (MedicalGPT hard-codes 42). */
  readonly seed?: number;
}

/** Row indices of each side, in the order the rows end up in. */
export interface SplitIndices {
  readonly train: number[];
  readonly validation: number[];
}

/** Which of `n` rows go to training and which to validation, exactly as the stage's Python does it. */
export function splitValidation(n: number, options: SplitOptions): SplitIndices {
  const percentage = options.percentage ?? 1;
  const seed = options.seed ?? 42;
  if (!(percentage >= 0 && percentage < 100)) {
    throw new RangeError(`validation_split_percentage must be in [0, 100), got ${percentage}`);
  }
  const range = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  switch (options.rule) {
    case 'required':
      throw new Error(
        'this stage needs --validation_file_dir: MedicalGPT takes no validation rows from the training set',
      );
    case 'head-round':
    case 'head-floor': {
      const exact = (n * percentage) / 100;
      const k = options.rule === 'head-round' ? pythonRound(exact) : Math.trunc(exact);
      return { validation: range(0, k), train: range(k, n) };
    }
    case 'shuffle-split': {
      if (percentage === 0) return { validation: [], train: range(0, n) };
      const shuffled = numpyPermutation(n, seed);
      const { train, validation } = trainTestSplit(n, percentage / 100, seed);
      return { train: train.map((i) => shuffled[i]!), validation: validation.map((i) => shuffled[i]!) };
    }
    case 'test-size':
      return trainTestSplit(n, 0.1, seed);
  }
}

/**
 * `datasets.Dataset.train_test_split(test_size, seed)`: n_test = ceil(test_size * n) (in floating
 * point, as Python computes it), the test rows are the first n_test of the seeded permutation.
 */
export function trainTestSplit(n: number, testSize: number, seed: number): SplitIndices {
  const nTest = Math.ceil(testSize * n);
  const nTrain = n - nTest;
  if (nTrain <= 0) {
    throw new RangeError(
      `with ${n} rows and test_size=${testSize}, the train split would be empty: add data or lower the percentage`,
    );
  }
  const permutation = numpyPermutation(n, seed);
  return { validation: permutation.slice(0, nTest), train: permutation.slice(nTest) };
}
