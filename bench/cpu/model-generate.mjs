#!/usr/bin/env node
// Prefill and decode throughput of @medgpt/models' KV-cache generation on the cpu and wasm backends,
// measured in one run so their ratio is meaningful (this VM's speed varies between runs).
//
//   npm run build && node bench/cpu/model-generate.mjs [--size tiny|small] [--batch 1] [--prompt 128]
//                                                  [--new 64] [--reps 5] [--json out.json]
//
// tiny: the default tiny model (hidden 64, 2 layers); small: hidden 256, 4 layers, 8 heads. Prefill
// tokens/s = batch * prompt / (time to the first generated token); decode tokens/s = batch * (new - 1)
// / (time of the remaining steps). Medians over --reps runs after one warm-up run per backend.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, tf } from '@medgpt/core-tensor';
import { createTinyModel, generateEvents, loadModel } from '@medgpt/models';

const SIZES = {
  tiny: {},
  small: {
    hiddenSize: 256,
    intermediateSize: 688,
    numHiddenLayers: 4,
    numAttentionHeads: 8,
    numKeyValueHeads: 4,
  },
};
const BACKENDS = ['cpu', 'wasm'];

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'tiny' },
    batch: { type: 'string', default: '1' },
    prompt: { type: 'string', default: '128' },
    new: { type: 'string', default: '64' },
    reps: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const size = SIZES[values.size];
if (size === undefined) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const [batch, promptLength, newTokens, reps] = [values.batch, values.prompt, values.new, values.reps].map(
  Number,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One generation: ms to the first token (prefill) and ms for the remaining decode steps. */
async function timeOne(model, prompts) {
  const start = performance.now();
  let first = 0;
  let steps = 0;
  for await (const _events of generateEvents(model, prompts, {
    maxNewTokens: newTokens,
    doSample: false,
    eosTokenIds: [],
  })) {
    if (steps++ === 0) first = performance.now();
  }
  return { prefillMs: first - start, decodeMs: performance.now() - first };
}

async function measure(backend, dir, vocab) {
  await selectBackend({ backend });
  const model = await loadModel(dir);
  // Fixed prompts: token ids cycling through the vocabulary, distinct per row.
  const prompts = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: promptLength }, (_, i) => (7 * i + 13 * b) % vocab),
  );
  await timeOne(model, prompts);
  const runs = [];
  for (let r = 0; r < reps; r++) runs.push(await timeOne(model, prompts));
  model.dispose();
  const prefillMs = median(runs.map((r) => r.prefillMs));
  const decodeMs = median(runs.map((r) => r.decodeMs));
  return {
    backend,
    prefillMs,
    decodeMs,
    prefillTokensPerSecond: (batch * promptLength) / (prefillMs / 1000),
    decodeTokensPerSecond: (batch * (newTokens - 1)) / (decodeMs / 1000),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'medgpt-bench-'));
try {
  await tf.setBackend('cpu');
  const { config } = await createTinyModel(
    { ...size, maxPositionEmbeddings: promptLength + newTokens, seed: 1 },
    dir,
  );
  const results = [];
  for (const backend of BACKENDS) results.push(await measure(backend, dir, config.vocabSize));
  const [cpu, wasm] = results;
  console.log(
    `${config.className} '${values.size}' (hidden ${config.hiddenSize}, ${config.numHiddenLayers} layers, vocab ${config.vocabSize}); ` +
      `batch ${batch}, prompt ${promptLength}, ${newTokens} new tokens, median of ${reps}`,
  );
  console.log('backend  prefill tok/s  decode tok/s  (prefill ms, decode ms)');
  for (const r of results) {
    console.log(
      `${r.backend.padEnd(8)} ${r.prefillTokensPerSecond.toFixed(0).padStart(13)} ${r.decodeTokensPerSecond.toFixed(1).padStart(13)}` +
        `  (${r.prefillMs.toFixed(1)}, ${r.decodeMs.toFixed(1)})`,
    );
  }
  const ratios = {
    prefill: wasm.prefillTokensPerSecond / cpu.prefillTokensPerSecond,
    decode: wasm.decodeTokensPerSecond / cpu.decodeTokensPerSecond,
  };
  console.log(`wasm / cpu: prefill ${ratios.prefill.toFixed(2)}x, decode ${ratios.decode.toFixed(2)}x`);
  if (values.json) {
    await writeFile(
      values.json,
      `${JSON.stringify({ size: values.size, batch, promptLength, newTokens, reps, results, ratios }, null, 2)}\n`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
