// What our trainers write loads in Python: transformers reads our reward model as
// AutoModelForSequenceClassification with our rewards, and peft loads our RM and DPO adapters with our
// outputs. The Python side ran tools/fixtures/check_pref_outputs.py on the GPU machine over the dirs
// scripts/write-pref-checks.mjs wrote (fixtures/interop/<case>/python.json).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('./fixtures/interop/', import.meta.url).pathname;
const MADE_BY =
  'python3 tools/fixtures/check_pref_outputs.py packages/trainers-pref/src/fixtures/interop (on the GPU machine)';

const read = (path: string) => JSON.parse(readFileSync(ROOT + path, 'utf8')) as Record<string, unknown>;
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
const maxDiff = (a: number[], b: number[]) => {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
};

for (const name of ['rm-full', 'rm-lora', 'dpo-lora']) {
  const present = existsSync(`${ROOT}${name}/python.json`);
  if (!present)
    console.warn(`SKIP interop ${name}: ${ROOT}${name}/python.json is missing; make it with: ${MADE_BY}`);
  describe.skipIf(!present)(`interop: ${name}`, () => {
    it('Python loads it with no missing or unexpected tensors and computes what we compute', () => {
      const ours = read(`${name}/medgpt.json`);
      const theirs = read(`${name}/python.json`);
      for (const key of ['missing_keys', 'unexpected_keys', 'mismatched_keys', 'missing_adapter_keys'])
        if (theirs[key] !== undefined) expect(theirs[key], key).toEqual([]);
      if (name === 'rm-full') {
        expect(theirs.class_name).toBe('Qwen2ForSequenceClassification');
        expect(theirs.num_labels).toBe(1);
        expect(theirs.pad_token_id).toBe(read(`${name}/inputs.json`).pad_token_id);
      }
      if (name === 'rm-lora') expect(theirs.base_missing_keys).toEqual(['score.weight']); // drawn, then the adapter's
      if (name === 'dpo-lora') {
        // Logits at padded positions are not used by any loss, and transformers and we mask a pad
        // query differently (they differ there by ~1e-2); every attended position must agree.
        const mask = read(`${name}/inputs.json`).attention_mask as number[][];
        const attended = (logits: unknown) =>
          (logits as number[][][]).flatMap((seq, b) => seq.filter((_, t) => mask[b]![t] === 1).flat());
        expect(mask.flat().filter((m) => m === 0).length).toBeGreaterThan(0);
        expect(maxDiff(attended(ours.logits), attended(theirs.logits))).toBeLessThan(1e-4);
      } else {
        expect(maxDiff(flat(ours.scores), flat(theirs.scores))).toBeLessThan(1e-4);
      }
    });
  });
}
