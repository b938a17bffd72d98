import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';

export const SFT_FILE = new URL(
  '../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl',
  import.meta.url,
).pathname;
export const PT_FILE = new URL('../../../../data/medicalgpt/pretrain/fever.txt', import.meta.url).pathname;

/** A fresh temporary directory with a tiny random model in `base/` (cpu backend). */
export async function tinySetup(seed = 0): Promise<{ dir: string; base: string }> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-sft-'));
  const base = join(dir, 'base');
  await createTinyModel({ seed, hiddenSize: 32, intermediateSize: 64 }, base);
  return { dir, base };
}
