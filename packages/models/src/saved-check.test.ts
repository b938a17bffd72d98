// Models saved by us, loaded by transformers: the JSON that scripts/write-saved-models.mjs (ours) and
// tools/fixtures/check_saved_model.py (transformers) wrote for each saved model, committed under
// src/fixtures/saved-check/<name>/{inputs,medgpt-logits,transformers-logits}.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from './test-fixtures.js';

const DIR = join(FIXTURES_DIR, 'saved-check');
const names = existsSync(DIR)
  ? readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'transformers-logits.json')))
  : [];
const read = (name: string, file: string) =>
  JSON.parse(readFileSync(join(DIR, name, `${file}.json`), 'utf8'));

interface Ours {
  config_dtype: string;
  class_name: string;
  logits: number[][][];
  greedy: number[][];
  token_ids?: number[][];
  decoded?: string[];
}
interface Theirs extends Ours {
  missing_keys: string[];
  unexpected_keys: string[];
  mismatched_keys: string[];
}

function maxDiff(a: number[][][], b: number[][][], mask: number[][]): number {
  let max = 0;
  a.forEach((seq, i) =>
    seq.forEach(
      (row, t) => mask[i]![t] && row.forEach((x, j) => (max = Math.max(max, Math.abs(x - b[i]![t]![j]!)))),
    ),
  );
  return max;
}

describe.skipIf(names.length === 0)('transformers loads what saveModel wrote', () => {
  it.each(names)('%s', (name) => {
    const inputs = read(name, 'inputs') as { attention_mask: number[][] };
    const ours = read(name, 'medgpt-logits') as Ours;
    const theirs = read(name, 'transformers-logits') as Theirs;
    expect([theirs.missing_keys, theirs.unexpected_keys, theirs.mismatched_keys]).toEqual([[], [], []]);
    expect(theirs.class_name).toBe(ours.class_name);
    expect(theirs.config_dtype).toBe(ours.config_dtype);
    // Both sides compute in float32 from the same stored weights.
    expect(maxDiff(ours.logits, theirs.logits, inputs.attention_mask)).toBeLessThan(1e-4);
    expect(ours.greedy).toEqual(theirs.greedy);
    if (ours.token_ids) {
      expect(theirs.token_ids).toEqual(ours.token_ids);
      expect(theirs.decoded).toEqual(ours.decoded);
    }
  });
});
