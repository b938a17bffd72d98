// The GPU benchmark, our side: LoRA and full fine-tuning steps and greedy decoding of a
// Qwen2.5-0.5B-shaped random model on the cuda backend (fp32), for comparison with the PyTorch stack
// (bench/torch/gpu_train_torch.py) on the same shape, batch and sequence in the same device run
// (bench/gpu/gpu-train.sh). Numbers, not a test. One mode per process, so each mode's peak memory is its
// own (the backend's pool peak only grows).
//
//   node .device/cuda/gpu-train.mjs --mode lora|full|decode [--layers 24] [--batch 8] [--seq 1024]
//     [--vocab 151936] [--warmup 2] [--steps 5] [--budget 60] [--new-tokens 32] [--decode-batches 1,16]
//     [--backend cuda|cpu] [--json FILE]
//
// LoRA: @medgpt/peft's PeftModel (r 8, alpha 16, every linear but lm_head, no dropout), AdamW on the
// adapter only. Full: every parameter a tf.Variable, CausalLM.loss + tf.variableGrads + AdamW. The
// weights are uniform random (std 0.02) drawn on the host: the values do not matter for speed.
//
// PeftModel's adapted linears run backend-cuda's own LoraLinear / LoraLinearGrad kernels (cuBLASLt GEMMs
// plus small kernels for scaling, bias, dropout and accumulation).
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MultiTensorAdamW, tf, valueAndGrads } from '@medgpt/core-tensor';
import { generate, type CausalLM } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { formatKernelProfile, profileCudaKernels } from '../lib/cuda-kernel-profile.js';
import { buildRandomModel, memoryMiB, qwenRawConfig, setupBackend } from '../lib/gpu-model.js';
import { timeSteps } from '../lib/timed-steps.js';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'lora' },
    backend: { type: 'string', default: 'cuda' },
    layers: { type: 'string', default: '24' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '1024' },
    vocab: { type: 'string', default: '151936' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    budget: { type: 'string', default: '60' },
    'new-tokens': { type: 'string', default: '32' },
    'prompt-len': { type: 'string', default: '16' },
    'decode-batches': { type: 'string', default: '1,16' },
    hidden: { type: 'string', default: '896' },
    intermediate: { type: 'string', default: '4864' },
    heads: { type: 'string', default: '14' },
    'kv-heads': { type: 'string', default: '2' },
    json: { type: 'string' },
    matmul: { type: 'string', default: 'bf16' },
    profile: { type: 'boolean', default: false },
    // LongLoRA's shifted sparse attention (medgpt sft --shift_attn) and gradient checkpointing, for the
    // long-context row: --seq 32768 --batch 1 --shift-attn --checkpointing.
    'shift-attn': { type: 'boolean', default: false },
    checkpointing: { type: 'boolean', default: false },
  },
});
const mode = args.mode;
const layers = Number(args.layers);
const batch = Number(args.batch);
const seq = Number(args.seq);
const vocab = Number(args.vocab);
const warmup = Number(args.warmup);
const steps = Number(args.steps);
const budgetMs = Number(args.budget) * 1000;
const newTokens = Number(args['new-tokens']);
const promptLen = Number(args['prompt-len']);
const decodeBatches = args['decode-batches'].split(',').map(Number);

// ---- the backend ------------------------------------------------------------------------------------

await setupBackend(args.backend, args.matmul);

// ---- the model ----------------------------------------------------------------------------------------

/** Qwen2.5-0.5B's config.json, with the layer count and vocabulary of this run. */
const rawConfig = qwenRawConfig({
  layers,
  vocab,
  hidden: Number(args.hidden),
  intermediate: Number(args.intermediate),
  heads: Number(args.heads),
  kvHeads: Number(args['kv-heads']),
});

/** The random model (bench/lib/gpu-model.ts: uniform std 0.02 from a fixed xorshift seed). */
function buildModel(): CausalLM {
  return buildRandomModel(rawConfig);
}

// ---- measuring -------------------------------------------------------------------------------------------

function report(result: Record<string, unknown>): void {
  const line = JSON.stringify({
    bench: 'gpu-train',
    stack: 'medgpt',
    backend: args.backend,
    // The matmul precision (bf16: tensor cores, fp32 accumulation); weights, activations and optimizer
    // state are float32 tensors either way.
    precision: args.backend === 'cuda' ? args.matmul : 'fp32',
    storage: 'fp32',
    layers,
    hidden: Number(args.hidden),
    ...result,
  });
  console.log(line);
  if (args.json) appendFileSync(args.json, `${line}\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function train(kind: 'lora' | 'full'): Promise<void> {
  const started = performance.now();
  const model = buildModel();
  if (args['shift-attn']) model.shiftedSparseAttention = { groupSizeRatio: 0.25 };
  if (args.checkpointing) model.gradientCheckpointing = true;
  let vars: tf.Variable[];
  let peft: PeftModel | null = null;
  if (kind === 'full') {
    vars = [...model.weights].map(([name, w]) => {
      const v = tf.variable(w, true, name);
      model.setWeight(name, v);
      return v;
    });
  } else {
    peft = new PeftModel(model);
    peft.addAdapter('default', { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: 'all' }, { seed: 1 });
    peft.training = true;
    vars = peft.trainableVariables();
  }
  const params = [...model.weights.values()].reduce((n, w) => n + w.size, 0);
  const trainable = vars.reduce((n, v) => n + v.size, 0);
  console.log(
    `${kind}: ${(params / 1e6).toFixed(1)}M parameters (${(trainable / 1e6).toFixed(2)}M trainable) on ` +
      `${args.backend} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const ids = tf.tensor2d(
    Int32Array.from({ length: batch * seq }, (_, i) => (i * 7919 + 13) % vocab),
    [batch, seq],
    'int32',
  );
  // What the trainer does: core-tensor's backward driver and the multi-tensor AdamW.
  const optimizer = new MultiTensorAdamW(vars, { lr: 1e-5, weightDecay: 0 });
  const step = (): number => {
    const { value, grads } = valueAndGrads(() => model.loss({ inputIds: ids }, ids) as tf.Scalar, vars);
    optimizer.step(grads);
    const loss = value.dataSync()[0]!; // waits for the step's work on the GPU
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  };
  const { losses, warmMs, stepMs, leaked } = timeSteps(step, { warmup, steps, budgetMs });
  if (args.profile && args.backend === 'cuda') await profileStep(step);
  const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
  const mem = memoryMiB();
  console.log(
    `${kind}: warm-up ${warmMs.map((m) => m.toFixed(0)).join(' ')} ms; steps ${stepMs.map((m) => m.toFixed(0)).join(' ')} ms; ` +
      `losses ${losses.map((l) => l.toFixed(4)).join(' ')}; tensors leaked over the timed steps ${leaked}`,
  );
  report({
    mode: kind,
    shiftAttn: args['shift-attn'],
    checkpointing: args.checkpointing,
    batch,
    seq,
    vocab,
    params,
    trainable,
    warmup,
    steps: stepMs.length,
    stepMsMean: Math.round(mean * 10) / 10,
    stepMsMedian: Math.round(median(stepMs) * 10) / 10,
    tokensPerSec: Math.round((batch * seq) / (mean / 1000)),
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    peakMiB: mem.poolPeakMiB,
    liveMiB: mem.liveMiB,
  });
  optimizer.dispose();
  ids.dispose();
  peft?.dispose();
  model.dispose();
}

/** One more step with CUDA events around every kernel dispatch: GPU milliseconds per tfjs kernel name. */
async function profileStep(step: () => number): Promise<void> {
  const p = await profileCudaKernels(step);
  for (const line of formatKernelProfile(p)) console.log(line);
  report({
    mode: `profile-${mode}`,
    kernels: p.kernels,
    gpuMs: p.gpuMs,
    wallMs: p.wallMs,
    top: p.rows.slice(0, 25),
  });
}

async function decode(): Promise<void> {
  let started = performance.now();
  const model = buildModel();
  console.log(`decode: model on ${args.backend} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const prompts = (rows: number) =>
    Array.from({ length: rows }, (_, r) =>
      Array.from({ length: promptLen }, (_, i) => (r * 1009 + i * 7919 + 13) % vocab),
    );
  const options = { doSample: false, eosTokenIds: [] as number[], padTokenId: 0 };
  for (const rows of decodeBatches) {
    await generate(model, prompts(rows), { ...options, maxNewTokens: 2 }); // warm-up: plans, caches
    started = performance.now();
    const out = await generate(model, prompts(rows), { ...options, maxNewTokens: newTokens });
    const ms = performance.now() - started;
    const produced = out.tokenIds.reduce((n, row) => n + row.length, 0);
    console.log(
      `decode batch ${rows}: ${produced} tokens in ${ms.toFixed(0)} ms; first ids ${out.tokenIds[0]!.slice(0, 6).join(',')}`,
    );
    report({
      mode: 'decode',
      decodeBatch: rows,
      promptLen,
      newTokens,
      vocab,
      ms: Math.round(ms),
      msPerStep: Math.round((ms / newTokens) * 100) / 100,
      tokensPerSec: Math.round((produced / (ms / 1000)) * 10) / 10,
      peakMiB: memoryMiB().poolPeakMiB,
    });
  }
  model.dispose();
}

if (mode === 'lora' || mode === 'full') await train(mode);
else if (mode === 'decode') await decode();
else throw new Error(`--mode: expected lora, full or decode, got ${mode}`);
