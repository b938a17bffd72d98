// Adapters and merged models saved by us, loaded by Python: the JSON that scripts/write-peft-checks.mjs
// (ours) and tools/fixtures/check_peft_adapters.py (peft 0.21 / transformers) wrote for each case,
// committed under src/fixtures/peft-check/<case>/{inputs,medgpt-logits,peft-logits,transformers-merged-logits}.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flat3, maxDiffAtMask, PEFT_FIXTURES, type Batch } from './test-support.js';

const DIR = join(PEFT_FIXTURES, 'peft-check');
const cases = existsSync(DIR)
  ? readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'peft-logits.json')))
  : [];
const read = <T>(name: string, file: string): T =>
  JSON.parse(readFileSync(join(DIR, name, `${file}.json`), 'utf8')) as T;

describe.skipIf(cases.length === 0)('Python peft and transformers load what we save', () => {
  it.each(cases)('%s', (name) => {
    const inputs = read<Batch>(name, 'inputs');
    const ours = read<{ logits: number[][][]; merged_logits: number[][][] }>(name, 'medgpt-logits');
    const peft = read<{ logits: number[][][]; missing_adapter_keys: string[]; unexpected_keys: string[] }>(
      name,
      'peft-logits',
    );
    const merged = read<{
      logits: number[][][];
      missing_keys: string[];
      unexpected_keys: string[];
      mismatched_keys: string[];
    }>(name, 'transformers-merged-logits');
    const mask = inputs.attention_mask;
    expect([peft.missing_adapter_keys, peft.unexpected_keys]).toEqual([[], []]);
    expect(maxDiffAtMask(flat3(peft.logits), flat3(ours.logits), mask)).toBeLessThan(1e-4);
    expect([merged.missing_keys, merged.unexpected_keys, merged.mismatched_keys]).toEqual([[], [], []]);
    expect(maxDiffAtMask(flat3(merged.logits), flat3(ours.merged_logits), mask)).toBeLessThan(1e-4);
    expect(maxDiffAtMask(flat3(merged.logits), flat3(peft.logits), mask)).toBeLessThan(1e-4);
  });
});
