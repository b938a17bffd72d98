import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { convertTarget } from './convert-dataset.fuzz.js';

// Input files of generated and mutated records, converted with every --data_type (MEDGPT_FUZZ_RUNS).
describe('convertDataset (fuzz)', () => {
  it(convertTarget.name, () => runFuzzTarget(convertTarget));
});
