import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { adapterConfigTarget } from './adapter-config-json.fuzz.js';

// Generated adapter_config.json files and mutations of them, read and applied (MEDGPT_FUZZ_RUNS).
describe('adapter_config.json (fuzz)', () => {
  it(adapterConfigTarget.name, () => runFuzzTarget(adapterConfigTarget));
});
