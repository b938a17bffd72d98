import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../tools/fuzz/fuzz-kit.js';
import { TEMPLATE_TARGETS } from './chat-template.fuzz.js';

// Chat templates, tokenizer_config.json and template names, generated and mutated (MEDGPT_FUZZ_RUNS).
describe('chat templates (fuzz)', () => {
  for (const target of TEMPLATE_TARGETS) it(target.name, () => runFuzzTarget(target));
});
