// End-to-end check of the cuda backend on tiny models: the same training steps (loss, gradients via
// variableGrads, AdamW) and the same greedy generation on cpu and on cuda, compared.
//
//   node .device/cuda/cuda-model-step.mjs [--steps 3] [--json FILE] [--backend NAME (default cuda)]
//     [--matmul fp32|tf32|bf16 (default fp32: the exact comparison)] [--models qwen2,llama,...]
//
// Per architecture it reports each step's loss on both backends, the largest relative gradient
// difference, and whether greedy generation produced the same tokens, plus the step time on cuda.
import { mkdtemp, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdamW, tf } from '@medgpt/core-tensor';
import { createCudaProvider, type MatmulPrecision } from '@medgpt/backend-cuda';
import { createTinyModel, generate, loadModel, type CausalLM, type TinyModelOptions } from '@medgpt/models';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string' },
    json: { type: 'string' },
    backend: { type: 'string' },
    matmul: { type: 'string', default: 'fp32' },
    models: { type: 'string' },
  },
});

// The tiny models compared, by name. Gemma 2 soft-caps its scores and logits and Baichuan 13B has
// ALiBi: both run the composed attention (plain ops) instead of the fused kernel. Windows of 4 keys
// make the sliding layers slide over the 8-token batch.
const MODELS: Record<string, TinyModelOptions> = {
  qwen2: { architecture: 'qwen2' },
  llama: { architecture: 'llama', tieWordEmbeddings: false },
  qwen3: { architecture: 'qwen3' },
  gemma2: {
    architecture: 'gemma2',
    slidingWindow: 4,
    config: { attnLogitSoftcapping: 5, finalLogitSoftcapping: 8 },
  },
  gemma3: { architecture: 'gemma3_text', slidingWindow: 4 },
  'baichuan-7b': { architecture: 'baichuan' },
  'baichuan2-13b': { architecture: 'baichuan', config: { positionEncoding: 'alibi', normHead: true } },
};
const steps = Number(args.steps ?? 3);
const backend = args.backend ?? 'cuda';

interface BackendRun {
  losses: number[];
  gradNorms: Record<string, number>;
  grads: Record<string, Float32Array>;
  tokens: number[][];
  stepMs: number[];
  generateMs: number;
}

/** Loads the model on `backend`, trains `steps` AdamW steps on a fixed batch, then generates greedily. */
async function runOn(backend: string, dir: string, tag: string): Promise<BackendRun> {
  await tf.setBackend(backend);
  const model: CausalLM = await loadModel(dir);
  const vars = [...model.weights].map(([name, w]) => {
    const v = tf.variable(w, true, `${tag}.${backend}.${name}`);
    model.setWeight(name, v);
    return v;
  });
  const optimizer = new AdamW(vars, { lr: 1e-2, weightDecay: 0.01 });
  const ids = tf.tensor2d(
    [
      [5, 17, 29, 40, 41, 7, 99, 3],
      [12, 13, 14, 15, 16, 17, 0, 0],
    ],
    [2, 8],
    'int32',
  );
  const mask = tf.tensor2d(
    [
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0, 0],
    ],
    [2, 8],
    'int32',
  );
  const labels = tf.tensor2d(
    [
      [5, 17, 29, 40, 41, 7, 99, 3],
      [12, 13, 14, 15, 16, 17, -100, -100],
    ],
    [2, 8],
    'int32',
  );
  const run: BackendRun = { losses: [], gradNorms: {}, grads: {}, tokens: [], stepMs: [], generateMs: 0 };
  for (let step = 0; step < steps; step++) {
    const started = performance.now();
    const { value, grads } = tf.variableGrads(
      () => model.loss({ inputIds: ids, attentionMask: mask }, labels),
      vars,
    );
    optimizer.step(grads);
    run.losses.push(value.dataSync()[0]!);
    run.stepMs.push(performance.now() - started);
    if (step === 0) {
      for (const [name, g] of Object.entries(grads))
        run.grads[name.slice(`${tag}.${backend}.`.length)] = g.dataSync() as Float32Array;
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  const started = performance.now();
  const result = await generate(
    model,
    [
      [5, 17, 29],
      [12, 13, 14, 15],
    ],
    { maxNewTokens: 12, doSample: false, eosTokenIds: [] },
  );
  run.generateMs = performance.now() - started;
  run.tokens = result.tokenIds;
  optimizer.dispose();
  tf.dispose([ids, mask, labels]);
  model.dispose();
  return run;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(a[i]!));
  }
  return num / Math.max(den, 1e-30);
}

const availability =
  backend === 'cuda'
    ? await createCudaProvider({ matmulPrecision: args.matmul as MatmulPrecision }).load()
    : ({ ok: true } as const);
if (!availability.ok) {
  console.error(`cuda backend not available: ${availability.reason}`);
  process.exit(2);
}

const report: Record<string, unknown> = {};
let allOk = true;
for (const architecture of (args.models ?? 'qwen2,llama,qwen3').split(',')) {
  const dir = await mkdtemp(join(tmpdir(), `cuda-step-${architecture}-`));
  await tf.setBackend('cpu');
  const options = MODELS[architecture];
  if (options === undefined)
    throw new Error(`--models: unknown '${architecture}'; known: ${Object.keys(MODELS)}`);
  await createTinyModel({ seed: 3, initializerRange: 0.5, ...options }, dir);
  const cpu = await runOn('cpu', dir, architecture);
  const cuda = await runOn(backend, dir, `${architecture}.test`);
  await rm(dir, { recursive: true, force: true });
  const lossRel = cpu.losses.map((l, i) => Math.abs(l - cuda.losses[i]!) / Math.abs(l));
  const gradRel = Object.fromEntries(
    Object.keys(cpu.grads).map((n) => [n, maxRelDiff(cpu.grads[n]!, cuda.grads[n]!)]),
  );
  const worstGrad = Math.max(...Object.values(gradRel));
  const sameTokens = JSON.stringify(cpu.tokens) === JSON.stringify(cuda.tokens);
  const ok = lossRel.every((r) => r < 1e-4) && worstGrad < 1e-3 && sameTokens;
  allOk &&= ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${architecture}`);
  console.log(`     losses cpu  ${cpu.losses.map((l) => l.toFixed(6)).join(' ')}`);
  console.log(
    `     losses cuda ${cuda.losses.map((l) => l.toFixed(6)).join(' ')}  (max rel diff ${Math.max(...lossRel).toExponential(2)})`,
  );
  console.log(
    `     first-step gradients: max rel diff ${worstGrad.toExponential(2)} over ${Object.keys(gradRel).length} parameters`,
  );
  console.log(
    `     greedy tokens ${sameTokens ? 'identical' : `DIFFER\n       cpu  ${JSON.stringify(cpu.tokens)}\n       cuda ${JSON.stringify(cuda.tokens)}`}`,
  );
  console.log(
    `     step ms cpu ${cpu.stepMs.map((m) => m.toFixed(0)).join(' ')} | cuda ${cuda.stepMs.map((m) => m.toFixed(0)).join(' ')};` +
      ` generate 2x12 tokens: cpu ${cpu.generateMs.toFixed(0)} ms, cuda ${cuda.generateMs.toFixed(0)} ms`,
  );
  report[architecture] = {
    ok,
    cpuLosses: cpu.losses,
    cudaLosses: cuda.losses,
    gradRel,
    tokens: { cpu: cpu.tokens, cuda: cuda.tokens },
    cudaStepMs: cuda.stepMs,
  };
}
if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 1));
process.exit(allOk ? 0 : 1);
