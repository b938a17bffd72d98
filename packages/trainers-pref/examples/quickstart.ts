import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { DpoTrainer, OrpoTrainer } from '@medgpt/trainers-pref';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-pref-quickstart-'));
const pairs = new URL('../../../data/medicalgpt/reward/dpo_zh_500.jsonl', import.meta.url).pathname;

// A tiny random Qwen2-shaped model (any local Hugging Face model directory works the same way).
await createTinyModel({ seed: 0, hiddenSize: 32, intermediateSize: 64 }, join(dir, 'base'));

// What both runs share: MedicalGPT's preference pairs, kept when prompt + answer fit 160 characters.
const common = {
  model_name_or_path: join(dir, 'base'),
  train_file_dir: pairs,
  max_source_length: 80,
  max_target_length: 80,
  per_device_train_batch_size: 8, // the 6 pairs that pass both filters: every step sees them all
  gradient_accumulation_steps: 1,
  learning_rate: 2e-2,
  warmup_steps: 0,
  max_steps: 4,
  lora_dropout: 0,
};
const quiet = { log: () => undefined, progress: false as const };

// DPO (dpo_training.py): LoRA on the policy; the reference is the base with the adapters disabled.
const dpo = await new DpoTrainer({ ...common, output_dir: join(dir, 'dpo'), beta: 0.1 }, quiet).train();
const margins = dpo.train.logHistory
  .filter((e) => e['rewards/margins'] !== undefined)
  .map((e) => e['rewards/margins']!.toFixed(3));
console.log(
  `dpo: saved ${dpo.saved}; loss ${dpo.train.logHistory[0]!.loss!.toFixed(4)} at step 1, margins ${margins.join(' ')}`,
);

// ORPO (orpo_training.py, the real odds-ratio loss): no reference model at all.
const orpo = await new OrpoTrainer(
  { ...common, output_dir: join(dir, 'orpo'), orpo_beta: 0.1 },
  quiet,
).train();
const last = orpo.train.logHistory.filter((e) => e.nll_loss !== undefined).at(-1)!;
console.log(`orpo: nll ${last.nll_loss!.toFixed(3)}, log odds ratio ${last.log_odds_ratio!.toFixed(3)}`);

await rm(dir, { recursive: true, force: true });
