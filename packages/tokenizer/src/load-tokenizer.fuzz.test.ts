import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../tools/fuzz/fuzz-kit.js';
import { loadTokenizerTarget } from './load-tokenizer.fuzz.js';

// Generated tokenizer directories and mutations of each file in them (MEDGPT_FUZZ_RUNS).
describe('loading a tokenizer directory (fuzz)', () => {
  it(loadTokenizerTarget.name, () => runFuzzTarget(loadTokenizerTarget));
});
