import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';

/** MedicalGPT's sample GRPO rows (32 Chinese medical questions with free-text answers). */
export const GRPO_FILE = new URL('../../../../data/medicalgpt/grpo/sample.jsonl', import.meta.url).pathname;

/** A fresh temporary directory with a tiny random model in `base/` (cpu backend). */
export async function tinyRlSetup(seed = 0): Promise<{ dir: string; base: string }> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-rl-'));
  const base = join(dir, 'base');
  await createTinyModel({ seed, hiddenSize: 32, intermediateSize: 64 }, base);
  return { dir, base };
}

export type Entry = Record<string, number>;

/** metrics.jsonl of a run, parsed. */
export function readMetrics(dir: string): Entry[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Entry);
}
