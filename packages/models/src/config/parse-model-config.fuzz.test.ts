import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { MODEL_CONFIG_TARGETS } from './parse-model-config.fuzz.js';

// Generated config.json / generation_config.json of every architecture and mutations (MEDGPT_FUZZ_RUNS).
describe('config parsers (fuzz)', () => {
  for (const target of MODEL_CONFIG_TARGETS) it(target.name, () => runFuzzTarget(target));
});
