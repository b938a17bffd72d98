import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';

/** MedicalGPT's sample preference data (Chinese, 500 pairs) and tool-call pairs. */
export const DPO_FILE = new URL('../../../../data/medicalgpt/reward/dpo_zh_500.jsonl', import.meta.url)
  .pathname;
export const TOOLCALL_DPO_FILE = new URL(
  '../../../../data/medicalgpt/reward/toolcall_dpo_zh_demo.jsonl',
  import.meta.url,
).pathname;

/** A fresh temporary directory with a tiny random model in `base/` (cpu backend). */
export async function tinySetup(seed = 0, numLabels?: number): Promise<{ dir: string; base: string }> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-pref-'));
  const base = join(dir, 'base');
  await createTinyModel({ seed, hiddenSize: 32, intermediateSize: 64, numLabels }, base);
  return { dir, base };
}

/**
 * A small preference file in MedicalGPT's layout: `rows` short pairs (a question, a fixed good answer,
 * a fixed bad one), then (unless `bad` is false) one record missing `rejected` and one pair longer
 * than `tooLongChars`.
 * Returns the file and the 1-based lines of the two bad records.
 */
export function writePreferenceFile(
  dir: string,
  rows: number,
  options: { tooLongChars?: number; name?: string; bad?: boolean } = {},
): { file: string; invalidLine: number; tooLongLine: number } {
  const { tooLongChars = 400, name = 'prefs.jsonl', bad = true } = options;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      JSON.stringify({
        conversations: [{ from: 'human', value: `fever ${i % 4}?` }],
        chosen: 'rest, fluids',
        rejected: 'ignore it',
      }),
    );
  }
  if (bad) {
    lines.push(
      JSON.stringify({ conversations: [{ from: 'human', value: 'cough?' }], chosen: 'see a doctor' }),
    );
    lines.push(
      JSON.stringify({
        conversations: [{ from: 'human', value: 'x'.repeat(tooLongChars) }],
        chosen: 'a',
        rejected: 'b',
      }),
    );
  }
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, invalidLine: rows + 1, tooLongLine: rows + 2 };
}
