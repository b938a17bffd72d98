#!/usr/bin/env node
// Writes a tiny, randomly initialised Hugging Face model directory (weights, configs and a tokenizer)
// for tests and the demo, through the BUILT @medgpt/models (run `npm run build` first).
//
//   node tools/make-tiny-model.mjs OUT_DIR [--architecture qwen2] [--hidden-size 64] [--seed 0] ...
//
// The same options and seed give the same files. `--help` lists the options.
import { parseArgs } from 'node:util';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, parameterSpecs } from '@medgpt/models';

const OPTIONS = {
  architecture: { type: 'string', help: 'model_type: llama, qwen2, qwen3, mistral (default qwen2)' },
  'hidden-size': { type: 'string', help: 'default 64' },
  'intermediate-size': { type: 'string', help: 'default 128' },
  layers: { type: 'string', help: 'num_hidden_layers, default 2' },
  heads: { type: 'string', help: 'num_attention_heads, default 4' },
  'kv-heads': { type: 'string', help: 'num_key_value_heads, default 2' },
  'head-dim': { type: 'string', help: 'default hidden-size / heads' },
  'max-positions': { type: 'string', help: 'max_position_embeddings, default 512' },
  'vocab-size': { type: 'string', help: "default: the tokenizer's size" },
  untied: { type: 'boolean', help: 'separate lm_head (default: tied to the embeddings)' },
  'rope-theta': { type: 'string', help: 'default 10000' },
  'sliding-window': { type: 'string', help: 'window of every layer (mistral, qwen2, qwen3)' },
  dtype: { type: 'string', help: 'float32 (default), bfloat16 or float16' },
  'init-range': { type: 'string', help: 'std of the normal init, default 0.02' },
  seed: { type: 'string', help: 'default 0' },
  tokenizer: { type: 'string', help: 'tokenizer directory to ship (default: byte-level, built in code)' },
  help: { type: 'boolean', help: 'show this help' },
};

function usage() {
  const lines = Object.entries(OPTIONS).map(([name, o]) => `  --${name.padEnd(18)} ${o.help}`);
  return ['usage: node tools/make-tiny-model.mjs OUT_DIR [options]', ...lines].join('\n');
}

function integer(values, name) {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}

function number(values, name) {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${raw}'`);
  return n;
}

async function main() {
  const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  if (values.help || positionals.length !== 1) {
    console.log(usage());
    process.exit(values.help ? 0 : 2);
  }
  await tf.setBackend('cpu');
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, got '${values.seed}'`);
  const { dir, config } = await createTinyModel(
    {
      architecture: values.architecture,
      hiddenSize: integer(values, 'hidden-size'),
      intermediateSize: integer(values, 'intermediate-size'),
      numHiddenLayers: integer(values, 'layers'),
      numAttentionHeads: integer(values, 'heads'),
      numKeyValueHeads: integer(values, 'kv-heads'),
      headDim: integer(values, 'head-dim'),
      maxPositionEmbeddings: integer(values, 'max-positions'),
      vocabSize: integer(values, 'vocab-size'),
      tieWordEmbeddings: !values.untied,
      ropeTheta: number(values, 'rope-theta'),
      slidingWindow: integer(values, 'sliding-window') ?? null,
      dtype: values.dtype,
      initializerRange: number(values, 'init-range'),
      seed,
      tokenizer: values.tokenizer,
    },
    positionals[0],
  );
  const params = parameterSpecs(config).reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  console.log(
    `wrote ${dir}: ${config.className}, ${config.numHiddenLayers} layers, hidden ${config.hiddenSize}, ` +
      `vocab ${config.vocabSize}, ${params} parameters, seed ${seed}`,
  );
}

main().catch((e) => {
  console.error(`make-tiny-model: ${e.message}`);
  process.exit(1);
});
