// Adapters made by Python peft, loaded here: tools/fixtures/make_peft_fixtures.py wrote each case under
// src/fixtures/py-adapters/<case>/ (adapter_config.json, adapter_model.safetensors, expected.json with
// peft's logits with the adapter and after merge_and_unload) on a models-package base fixture.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { PeftModel } from './peft-model.js';
import { flat3, loadBase, logitsOf, maxDiffAtMask, PEFT_FIXTURES, type Batch } from './test-support.js';

const DIR = join(PEFT_FIXTURES, 'py-adapters');
const cases = existsSync(DIR)
  ? readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'expected.json')))
  : [];

interface Expected extends Batch {
  base: string;
  peft_version: string;
  logits: number[][][];
  merged_logits: number[][][];
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(cases.length === 0)('adapters saved by Python peft', () => {
  it.each(cases)('%s: same logits with the adapter and after mergeAndUnload', (name) =>
    expectNoLeak(async () => {
      const e = JSON.parse(readFileSync(join(DIR, name, 'expected.json'), 'utf8')) as Expected;
      const model = await loadBase(e.base);
      const peft = new PeftModel(model);
      await peft.loadAdapter(join(DIR, name));
      // Both sides compute in float32 from the same stored tensors.
      expect(maxDiffAtMask(logitsOf(model, e), flat3(e.logits), e.attention_mask)).toBeLessThan(1e-4);
      peft.mergeAndUnload();
      expect(maxDiffAtMask(logitsOf(model, e), flat3(e.merged_logits), e.attention_mask)).toBeLessThan(1e-4);
      model.dispose();
    }),
  );
});
