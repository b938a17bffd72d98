#!/usr/bin/env node
// Writes what @medgpt/trainers-pref trains, for Python transformers / peft to load
// (tools/fixtures/check_pref_outputs.py), into OUT_DIR (default: src/fixtures/interop):
//
//   npx nx run-many -t build && node packages/trainers-pref/scripts/write-pref-checks.mjs [OUT_DIR]
//
//   base/                 a tiny random Qwen2 (createTinyModel, seed 3): config.json + model.safetensors
//   rm-full/model/        RewardTrainer --use_peft false: a full sequence-classifier checkpoint
//   rm-lora/adapter/      RewardTrainer (LoRA): a peft SEQ_CLS adapter with the score head in full
//   dpo-lora/adapter/     DpoTrainer (LoRA): a peft CAUSAL_LM adapter
//   <case>/inputs.json    {input_ids, attention_mask, pad_token_id}: a right-padded batch
//   <case>/medgpt.json    ours on that batch: scores [rows, 1] (rm-*) or logits [rows, T, vocab] (dpo)
// Each trainer runs a few steps on a small preference file, so every trained tensor has moved. Uses the
// BUILT packages, as a user would.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { DpoTrainer, RewardTrainer } from '@medgpt/trainers-pref';

const out = process.argv[2] ?? fileURLToPath(new URL('../src/fixtures/interop/', import.meta.url));
await tf.setBackend('cpu');
const work = await mkdtemp(join(tmpdir(), 'medgpt-pref-checks-'));

// Pairs of short answers, so the byte-level tiny tokenizer keeps them whole.
const pairs = Array.from({ length: 8 }, (_, i) => ({
  conversations: [{ from: 'human', value: `fever ${i}?` }],
  chosen: i % 2 ? 'rest and fluids' : 'see a doctor',
  rejected: i % 2 ? 'ignore it' : 'no idea',
}));
const data = join(work, 'prefs.jsonl');
await writeFile(data, pairs.map((p) => JSON.stringify(p)).join('\n'));

const base = join(out, 'base');
await rm(out, { recursive: true, force: true });
await createTinyModel({ seed: 3, hiddenSize: 32, intermediateSize: 64 }, join(work, 'base'));
await copyFiles(join(work, 'base'), base, ['config.json', 'model.safetensors']);

const run = {
  model_name_or_path: join(work, 'base'),
  train_file_dir: data,
  validation_split_percentage: 0,
  per_device_train_batch_size: 4,
  learning_rate: 2e-2,
  warmup_steps: 0,
  max_steps: 4,
  lora_dropout: 0,
  seed: 11,
};
const quiet = { log: () => undefined, progress: false, handleSignals: false };
const pad = 256; // the tiny byte-level tokenizer's <|endoftext|>, its pad token
const batch = {
  input_ids: [
    [104, 105, 32, 116, 104, 101, 114, 101],
    [102, 101, 118, 101, 114, pad, pad, pad],
  ],
  attention_mask: [
    [1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 0, 0, 0],
  ],
  pad_token_id: pad,
};
const inputs = () => ({
  inputIds: tf.tensor2d(batch.input_ids, undefined, 'int32'),
  attentionMask: tf.tensor2d(batch.attention_mask, undefined, 'int32'),
});
const rows = (t, shape) => {
  const flat = Array.from(t.dataSync());
  return Array.from({ length: shape[0] }, (_, i) => flat.slice(i * shape[1], (i + 1) * shape[1]));
};

// rm-full: a full classifier checkpoint.
await new RewardTrainer(
  { ...run, use_peft: false, learning_rate: 1e-3, output_dir: join(work, 'rm-full') },
  quiet,
).train();
await copyFiles(join(work, 'rm-full'), join(out, 'rm-full', 'model'), ['config.json', 'model.safetensors']);
{
  const model = await loadModel(join(work, 'rm-full'));
  const scores = tf.tidy(() => rows(model.scores(inputs()), [2, 1]));
  model.dispose();
  await writeCase('rm-full', { scores });
}

// rm-lora: the base as a classifier (its score drawn from --seed) plus the SEQ_CLS adapter.
await new RewardTrainer({ ...run, output_dir: join(work, 'rm-lora') }, quiet).train();
await copyFiles(join(work, 'rm-lora'), join(out, 'rm-lora', 'adapter'), [
  'adapter_config.json',
  'adapter_model.safetensors',
]);
{
  const model = await loadModel(join(work, 'base'), { numLabels: 1 });
  model.setPadTokenId(pad);
  const peft = new PeftModel(model);
  await peft.loadAdapter(join(work, 'rm-lora'));
  const scores = tf.tidy(() => rows(model.scores(inputs()), [2, 1]));
  peft.dispose();
  model.dispose();
  await writeCase('rm-lora', { scores });
}

// dpo-lora: a causal-LM adapter.
await new DpoTrainer({ ...run, target_modules: 'all', output_dir: join(work, 'dpo-lora') }, quiet).train();
await copyFiles(join(work, 'dpo-lora'), join(out, 'dpo-lora', 'adapter'), [
  'adapter_config.json',
  'adapter_model.safetensors',
]);
{
  const model = await loadModel(join(work, 'base'));
  const peft = new PeftModel(model);
  await peft.loadAdapter(join(work, 'dpo-lora'));
  const vocab = model.config.vocabSize;
  const logits = tf.tidy(() => {
    const flat = rows(model.forward(inputs()), [16, vocab]);
    return [flat.slice(0, 8), flat.slice(8)].map((r) =>
      r.map((v) => v.map((x) => Math.round(x * 1e6) / 1e6)),
    );
  });
  peft.dispose();
  model.dispose();
  await writeCase('dpo-lora', { logits });
}

await rm(work, { recursive: true, force: true });
console.log(`wrote ${out}`);

async function writeCase(name, ours) {
  await mkdir(join(out, name), { recursive: true });
  await writeFile(join(out, name, 'inputs.json'), `${JSON.stringify(batch)}\n`);
  await writeFile(join(out, name, 'medgpt.json'), `${JSON.stringify(ours)}\n`);
}

async function copyFiles(from, to, names) {
  await mkdir(to, { recursive: true });
  for (const name of names) await copyFile(join(from, name), join(to, name));
}
