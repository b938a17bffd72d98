import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { MetricsFile } from '@medgpt/trainer';
import type { NamedReward } from '../rewards/reward-function.js';

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
export async function readMetrics(dir: string): Promise<Entry[]> {
  return (await MetricsFile.inDir(dir).read()) as unknown as Entry[];
}

/** A toy reward a tiny random model can learn within a test: the share of 'a' in the completion. */
export const LETTER_A: NamedReward = {
  name: 'letter_a',
  fn: (completions) =>
    completions.map((t) => [...t].filter((ch) => ch === 'a').length / Math.max(1, [...t].length)),
};

/** SFT conversations in `dir`: `single` one-turn rows, then `double` two-turn rows. Returns the file. */
export function writeConversations(dir: string, single = 8, double = 0): string {
  const file = join(dir, 'sft.jsonl');
  const rows = [
    ...Array.from({ length: single }, (_, i) => ({
      conversations: [
        { from: 'human', value: `fever ${i}?` },
        { from: 'gpt', value: 'rest and fluids' },
      ],
    })),
    ...Array.from({ length: double }, (_, i) => ({
      conversations: [
        { from: 'human', value: `cough ${i}?` },
        { from: 'gpt', value: 'how long?' },
        { from: 'human', value: 'two days' },
        { from: 'gpt', value: 'see a doctor if it lasts' },
      ],
    })),
  ];
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
