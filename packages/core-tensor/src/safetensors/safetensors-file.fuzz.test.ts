import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { SAFETENSORS_TARGETS } from './safetensors-file.fuzz.js';

// Files from our writer read back, and mutated headers, lengths and bytes (MEDGPT_FUZZ_RUNS).
describe('safetensors readers (fuzz)', () => {
  for (const target of SAFETENSORS_TARGETS) it(target.name, () => runFuzzTarget(target));
});
