import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import type { SftConfigInput } from '../sft/sft-config.js';

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

/** Trainer options that keep a test's run silent (no log lines, no progress bar, no signal handlers). */
export const QUIET = { log: () => undefined, progress: false as const, handleSignals: false };

/**
 * The LoRA SFT smoke run of a tiny model on the sample data (r 4, six steps of 4 rows of at most 48
 * tokens, a large learning rate so the loss visibly falls), with `extra` on top.
 */
export function loraSmokeConfig(
  base: string,
  out: string,
  extra: Partial<SftConfigInput> = {},
): SftConfigInput {
  return {
    model_name_or_path: base,
    train_file_dir: SFT_FILE,
    output_dir: out,
    torch_dtype: 'float32',
    model_max_length: 48,
    max_train_samples: 8,
    max_eval_samples: 2,
    per_device_train_batch_size: 4,
    max_steps: 6,
    learning_rate: 2e-2,
    logging_steps: 1,
    save_steps: 100,
    lora_rank: 4,
    lora_alpha: 8,
    ...extra,
  };
}
