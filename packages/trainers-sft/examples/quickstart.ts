import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { PtTrainer, SftTrainer } from '@medgpt/trainers-sft';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-sft-quickstart-'));
const data = new URL('../../../data/medicalgpt/', import.meta.url).pathname; // MedicalGPT's sample data

// A tiny random Qwen2-shaped model (any local Hugging Face model directory works the same way).
await createTinyModel({ seed: 0, hiddenSize: 32, intermediateSize: 64 }, join(dir, 'base'));

// Continued pretraining (pretraining.py): text -> 64-token blocks, loss on every token, all weights.
const pt = await new PtTrainer(
  {
    model_name_or_path: join(dir, 'base'),
    train_file_dir: join(data, 'pretrain', 'fever.txt'),
    output_dir: join(dir, 'pt'),
    use_peft: false,
    block_size: 64,
    max_train_samples: 32,
    per_device_train_batch_size: 4,
    max_steps: 4,
    learning_rate: 1e-3,
    logging_steps: 2,
  },
  { log: () => undefined, progress: false },
).train();
console.log(
  `pt: ${pt.train.globalStep} steps, eval perplexity ${pt.evalMetrics!.eval_perplexity.toFixed(1)}`,
);

// SFT (supervised_finetuning.py): ShareGPT rows, the chat template, loss on answers, LoRA (the default).
const sft = await new SftTrainer(
  {
    model_name_or_path: join(dir, 'pt'),
    train_file_dir: join(data, 'sft', 'medical_sft_1K_format.jsonl'),
    output_dir: join(dir, 'sft'),
    model_max_length: 64,
    max_train_samples: 16,
    per_device_train_batch_size: 4,
    gradient_accumulation_steps: 2,
    num_train_epochs: 1,
    learning_rate: 1e-2,
    lora_rank: 8,
    lora_alpha: 16,
    logging_steps: 1,
    torch_dtype: 'float32',
  },
  { log: () => undefined, progress: false },
).train();
const losses = sft.train.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!.toFixed(3));
console.log(`sft: saved ${sft.saved} to ${sft.outputDir}; losses ${losses.join(' ')}`);

await rm(dir, { recursive: true, force: true });
