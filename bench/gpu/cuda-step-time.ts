// Time of a training step and of greedy decoding on the cuda backend for a model larger than the
// tiny test models (Qwen2.5-0.5B's layer shape: hidden 896, 14/2 heads, intermediate 4864; fewer
// layers and a smaller vocabulary so it initialises in seconds). Numbers, not a test.
//
//   node .device/cuda/cuda-step-time.mjs [--layers 2] [--batch 4] [--seq 512] [--steps 5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdamW, tf } from '@medgpt/core-tensor';
import { cudaProvider } from '@medgpt/backend-cuda';
import { createTinyModel, generate, loadModel } from '@medgpt/models';

const { values: args } = parseArgs({
  options: {
    layers: { type: 'string' },
    batch: { type: 'string' },
    seq: { type: 'string' },
    steps: { type: 'string' },
    vocab: { type: 'string' },
  },
});
const layers = Number(args.layers ?? 2);
const batch = Number(args.batch ?? 4);
const seq = Number(args.seq ?? 512);
const steps = Number(args.steps ?? 5);
const vocab = Number(args.vocab ?? 8192);

const availability = await cudaProvider.load();
if (!availability.ok) {
  console.error(`cuda backend not available: ${availability.reason}`);
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'cuda-step-time-'));
await tf.setBackend('cpu');
let started = performance.now();
await createTinyModel(
  {
    architecture: 'qwen2',
    hiddenSize: 896,
    intermediateSize: 4864,
    numHiddenLayers: layers,
    numAttentionHeads: 14,
    numKeyValueHeads: 2,
    vocabSize: vocab,
    maxPositionEmbeddings: 4096,
    tieWordEmbeddings: true,
    seed: 1,
  },
  dir,
);
console.log(`created the model on cpu in ${((performance.now() - started) / 1000).toFixed(1)} s`);

await tf.setBackend('cuda');
started = performance.now();
const model = await loadModel(dir);
const vars = [...model.weights].map(([name, w]) => {
  const v = tf.variable(w, true, name);
  model.setWeight(name, v);
  return v;
});
const params = vars.reduce((n, v) => n + v.size, 0);
console.log(
  `loaded ${(params / 1e6).toFixed(1)}M parameters on cuda in ${(performance.now() - started).toFixed(0)} ms`,
);

const ids = tf.tensor2d(
  Int32Array.from({ length: batch * seq }, (_, i) => (i * 7919) % vocab),
  [batch, seq],
  'int32',
);
const optimizer = new AdamW(vars, { lr: 1e-4 });
const stepMs: number[] = [];
for (let step = 0; step < steps + 2; step++) {
  const t0 = performance.now();
  const { value, grads } = tf.variableGrads(() => model.loss({ inputIds: ids }, ids), vars);
  optimizer.step(grads);
  const loss = value.dataSync()[0]!;
  if (step >= 2) stepMs.push(performance.now() - t0);
  if (step === 0) console.log(`first step loss ${loss.toFixed(4)}`);
  tf.dispose([value, ...Object.values(grads)]);
}
const profile = await tf.profile(() => {
  const { value, grads } = tf.variableGrads(() => model.loss({ inputIds: ids }, ids), vars);
  tf.dispose([value, ...Object.values(grads)]);
});
const kernels = profile.kernels.length;
const median = [...stepMs].sort((a, b) => a - b)[Math.floor(stepMs.length / 2)]!;
console.log(
  `train step (fwd+bwd+AdamW, ${layers} layers, batch ${batch} x ${seq}): median ${median.toFixed(1)} ms ` +
    `(${stepMs.map((m) => m.toFixed(0)).join(' ')}), ${((batch * seq) / (median / 1000)).toFixed(0)} tokens/s; ` +
    `${kernels} kernels per fwd+bwd`,
);
const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUPeak?: number };
console.log(
  `memory: ${((mem.numBytesInGPU ?? 0) / 2 ** 20).toFixed(0)} MiB live, pool peak ${((mem.numBytesInGPUPeak ?? 0) / 2 ** 20).toFixed(0)} MiB`,
);

started = performance.now();
const out = await generate(model, [[1, 2, 3, 4, 5, 6, 7, 8]], {
  maxNewTokens: 32,
  doSample: false,
  eosTokenIds: [],
});
const genMs = performance.now() - started;
console.log(
  `greedy decode: 32 tokens in ${genMs.toFixed(0)} ms (${(genMs / 32).toFixed(1)} ms/token), first ids ${out.tokenIds[0]!.slice(0, 8).join(',')}`,
);

optimizer.dispose();
model.dispose();
ids.dispose();
await rm(dir, { recursive: true, force: true });
