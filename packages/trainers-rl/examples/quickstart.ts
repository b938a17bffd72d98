import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { GrpoTrainer, type NamedReward } from '@medgpt/trainers-rl';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-rl-quickstart-'));
const rows = new URL('../../../data/medicalgpt/grpo/sample.jsonl', import.meta.url).pathname;

// A tiny random Qwen2-shaped model (any local Hugging Face model directory works the same way).
await createTinyModel({ seed: 5, hiddenSize: 32, intermediateSize: 64 }, join(dir, 'base'));

// A reward written in TypeScript, beside the built-in ones: the share of 'a' in the completion. A random
// tiny model cannot produce <think>/<answer> yet, so this dense toy reward shows GRPO learning.
const letterA: NamedReward = {
  name: 'letter_a',
  fn: (completions) =>
    completions.map((t) => [...t].filter((c) => c === 'a').length / Math.max(1, [...t].length)),
};

// GRPO (grpo_training.py): 2 prompts x 8 completions per step, sampled from the live policy.
const result = await new GrpoTrainer(
  {
    model_name_or_path: join(dir, 'base'),
    train_file_dir: rows,
    output_dir: join(dir, 'grpo'),
    reward_funcs: 'format,accuracy',
    num_generations: 8,
    per_device_train_batch_size: 16,
    max_completion_length: 8,
    max_prompt_length: 48,
    learning_rate: 3e-2,
    max_steps: 12,
    logging_steps: 1,
    seed: 3,
  },
  { log: () => undefined, progress: false, rewardFns: [letterA] },
).train();
const toy = result.train.logHistory
  .filter((e) => e['rewards/letter_a/mean'] !== undefined)
  .map((e) => e['rewards/letter_a/mean']!.toFixed(2));
console.log(`grpo: saved ${result.saved}; letter_a reward by step ${toy.join(' ')}`);
await rm(dir, { recursive: true, force: true });
