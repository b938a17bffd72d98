import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../tools/fuzz/fuzz-kit.js';
import { loadStageTarget } from './load-records.fuzz.js';

// A stage's JSONL file of generated and mutated records, loaded as training data (MEDGPT_FUZZ_RUNS).
describe('loading a stage file (fuzz)', () => {
  it(loadStageTarget.name, () => runFuzzTarget(loadStageTarget));
});
