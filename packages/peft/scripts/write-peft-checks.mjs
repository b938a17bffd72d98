#!/usr/bin/env node
// Writes adapters and merged models made by @medgpt/peft for Python peft / transformers to load
// (tools/fixtures/check_peft_adapters.py).
//
//   npx nx run-many -t build && node packages/peft/scripts/write-peft-checks.mjs OUT_DIR
//
// For each case below it wraps a models-package golden fixture (packages/models/src/fixtures/<base>) in a
// PeftModel, adds a seeded adapter whose every tensor is non-trivial (B != 0, perturbed magnitudes,
// modules_to_save copies and biases), and writes OUT_DIR/<case>/:
//   adapter/        saveAdapter (adapter_config.json + adapter_model.safetensors)
//   merged/         mergeAndUnload + saveModel: a full HF checkpoint
//   inputs.json     {base, input_ids, attention_mask, position_ids}: the fixture's left-padded batch
//   medgpt-logits.json  {logits: ours with the adapter, merged_logits: ours from merged/ reloaded}
// Uses the BUILT packages, as a user would.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, randomNormal, tf } from '@medgpt/core-tensor';
import { loadModel, saveModel } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';

const out = process.argv[2];
if (!out) {
  console.error('usage: node packages/peft/scripts/write-peft-checks.mjs OUT_DIR');
  process.exit(2);
}
const BASES = fileURLToPath(new URL('../../models/src/fixtures/', import.meta.url));

const CASES = [
  { name: 'lora-llama', base: 'llama', config: { target_modules: 'all', r: 4, lora_alpha: 8 } },
  {
    name: 'rslora-bias-qwen2',
    base: 'qwen2',
    config: { target_modules: 'all', r: 4, lora_alpha: 8, use_rslora: true, bias: 'all' },
  },
  {
    name: 'dora-llama',
    base: 'llama',
    config: { target_modules: 'all', r: 4, lora_alpha: 8, use_dora: true },
  },
  {
    name: 'dora-qwen3',
    base: 'qwen3',
    config: { target_modules: '.*\\.(q_proj|v_proj|down_proj)', r: 2, lora_alpha: 4, use_dora: true },
  },
  {
    name: 'mts-llama',
    base: 'llama',
    config: {
      target_modules: ['q_proj', 'v_proj'],
      r: 4,
      lora_alpha: 16,
      modules_to_save: ['embed_tokens', 'lm_head'],
    },
  },
  {
    name: 'patterns-mistral',
    base: 'mistral',
    config: {
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      r: 4,
      lora_alpha: 8,
      rank_pattern: { q_proj: 2 },
      alpha_pattern: { v_proj: 3 },
      layers_to_transform: [1],
    },
  },
  // Mixtures of experts: MedicalGPT's default (attention only), and experts and routers by name, which
  // peft converts to its fused target_parameters form for transformers 5.
  { name: 'lora-mixtral', base: 'mixtral', config: { target_modules: 'all', r: 4, lora_alpha: 8 } },
  {
    name: 'lora-mixtral-experts',
    base: 'mixtral',
    config: { target_modules: ['q_proj', 'w1', 'w2', 'w3'], r: 2, lora_alpha: 4 },
  },
  {
    name: 'lora-mixtral-router',
    base: 'mixtral',
    config: { target_modules: ['gate', 'w1', 'w2', 'w3'], r: 2, lora_alpha: 4 },
  },
  {
    name: 'lora-qwen3-moe-experts',
    base: 'qwen3-moe',
    config: {
      target_modules: ['gate_proj', 'up_proj', 'down_proj'],
      layers_to_transform: [0, 2],
      r: 2,
      lora_alpha: 4,
    },
  },
];

const writeJson = (path, value) => writeFile(path, `${JSON.stringify(value)}\n`);

function logits(model, batch) {
  const flat = tf.tidy(() => {
    const t = (rows) => tf.tensor2d(rows, undefined, 'int32');
    return model
      .forward({
        inputIds: t(batch.input_ids),
        attentionMask: t(batch.attention_mask),
        positionIds: t(batch.position_ids),
      })
      .dataSync();
  });
  const [b, t] = [batch.input_ids.length, batch.input_ids[0].length];
  const v = flat.length / (b * t);
  return Array.from({ length: b }, (_, i) =>
    Array.from({ length: t }, (_, j) =>
      Array.from(flat.subarray((i * t + j) * v, (i * t + j + 1) * v), (x) => Number(x.toPrecision(8))),
    ),
  );
}

// Peft starts B at zero and copies at the base values: perturb every tensor so the check sees them.
function perturb(adapter, rng) {
  for (const m of adapter.modules.values()) {
    for (const v of [m.loraA, m.loraB]) tf.tidy(() => v.assign(randomNormal(v.shape, rng, 0, 0.2)));
    if (m.magnitude) {
      const mag = m.magnitude;
      tf.tidy(() => mag.assign(tf.mul(mag, tf.add(1, randomNormal(mag.shape, rng, 0, 0.2)))));
    }
  }
  for (const v of adapter.parameters.values())
    tf.tidy(() => v.assign(tf.add(v, randomNormal(v.shape, rng, 0, 0.1))));
}

async function writeCase({ name, base, config }, index) {
  const dir = join(out, name);
  await mkdir(dir, { recursive: true });
  const e = JSON.parse(await readFile(join(BASES, base, 'expected.json'), 'utf8'));
  const batch = {
    base,
    input_ids: e.input_ids,
    attention_mask: e.attention_mask,
    position_ids: e.position_ids,
  };
  const model = await loadModel(join(BASES, base));
  const peft = new PeftModel(model);
  const adapter = peft.addAdapter(
    'default',
    { ...config, base_model_name_or_path: base },
    { seed: 100 + index },
  );
  perturb(adapter, new Generator(200 + index));
  const ours = logits(model, batch);
  await peft.saveAdapter(join(dir, 'adapter'));
  peft.mergeAndUnload();
  await saveModel(model, join(dir, 'merged'));
  model.dispose();
  const merged = await loadModel(join(dir, 'merged'));
  const mergedLogits = logits(merged, batch);
  merged.dispose();
  await writeJson(join(dir, 'inputs.json'), batch);
  await writeJson(join(dir, 'medgpt-logits.json'), { logits: ours, merged_logits: mergedLogits });
  console.log(`wrote ${dir}`);
}

await tf.setBackend('cpu');
await mkdir(out, { recursive: true });
for (const [i, c] of CASES.entries()) await writeCase(c, i);
