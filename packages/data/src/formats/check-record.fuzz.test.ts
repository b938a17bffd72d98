import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { RECORD_TARGETS } from './check-record.fuzz.js';

// Generated records of every format of each stage's family, and mutations of them (MEDGPT_FUZZ_RUNS).
describe('record parsers of each stage (fuzz)', () => {
  for (const target of RECORD_TARGETS) it(target.name, () => runFuzzTarget(target));
});
