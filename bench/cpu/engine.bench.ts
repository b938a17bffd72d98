// Engine cost of one training step (forward + loss + backward + AdamW) at the Qwen2.5-0.5B shape, on
// core-tensor's shape-only backend: no math, so the wall time is the host cost of the engine alone (a
// GPU backend's launches would run asynchronously), and the backend's byte counters give the device
// memory the step needs, with bf16 storage accounting (2 bytes per float32 element). Not a test: it
// prints numbers. Results and their reading: bench/RESULTS.md.
//
//   npm run bench -- --only engine [--quick] [--only lora-after,full-after] [--steps 30] [--warmup 10]
//
// Model: @medgpt/models' CausalLM with Qwen2.5-0.5B's config (hidden 896, 24 layers, 14 heads / 2 kv
// heads, head dim 64, intermediate 4864, vocab 151936, tied embeddings, q/k/v biases), batch 8 x seq
// 1024, loss through the chunked linearCrossEntropy. Variants: full fine-tune (every weight trained) and
// LoRA r 8 (alpha 16) on all 7 linears of every layer. Cases:
//   before: tf.variableGrads, LoRA as four stock ops per linear, one AdamWUpdate kernel per parameter
//   after:  core-tensor's valueAndGrads (backward driver), the fused loraLinear op when core-tensor
//           exports it, MultiTensorAdamW; "+ckpt" adds per-layer activation checkpointing
//   "copies": the before case with Identity and same-dtype Cast copying (tfjs wasm's stock kernels)
//   instead of aliasing (everything else, and the GPU backend, aliases)
import * as core from '@medgpt/core-tensor';
import {
  AdamW,
  MultiTensorAdamW,
  registerShapeOnlyBackend,
  shapeOnlyBackend,
  shapeOnlyTensor,
  tf,
  valueAndGrads,
} from '@medgpt/core-tensor';
import { CausalLM, linear, parameterSpecs, parseModelConfig, type LinearHook } from '@medgpt/models';
import { parseArgs } from 'node:util';
import { collectGarbage, emitJson, machine, median, printTable, round } from '../lib/harness.js';

// Qwen/Qwen2.5-0.5B config.json (the keys this package reads).
const QWEN25_05B = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 896,
  initializer_range: 0.02,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};
const [BATCH, SEQ] = [8, 1024];
const [RANK, ALPHA] = [8, 16];

type Variant = 'full' | 'lora';
interface Case {
  name: string;
  variant: Variant;
  driver: 'tf.variableGrads' | 'valueAndGrads';
  lora: 'stock ops' | 'loraLinear' | '-';
  optimizer: 'AdamW' | 'MultiTensorAdamW';
  checkpointing: boolean;
  /** Identity and same-dtype Cast copy (tfjs wasm) instead of aliasing. */
  copies: boolean;
}

type LoraLinearFn = (
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  o: { bias?: tf.Tensor1D; scale: number },
) => tf.Tensor2D;
// The fused op is another engineer's work in progress; used when the package exports it.
const loraLinear = (core as unknown as { loraLinear?: LoraLinearFn }).loraLinear;

function cases(): Case[] {
  const fused = loraLinear !== undefined ? 'loraLinear' : 'stock ops';
  const before = {
    driver: 'tf.variableGrads',
    optimizer: 'AdamW',
    checkpointing: false,
    copies: false,
  } as const;
  const after = {
    driver: 'valueAndGrads',
    optimizer: 'MultiTensorAdamW',
    checkpointing: false,
    copies: false,
  } as const;
  return [
    { name: 'full-before', variant: 'full', lora: '-', ...before },
    { name: 'full-before-copies', variant: 'full', lora: '-', ...before, copies: true },
    { name: 'full-after', variant: 'full', lora: '-', ...after },
    { name: 'full-after-ckpt', variant: 'full', lora: '-', ...after, checkpointing: true },
    { name: 'lora-before', variant: 'lora', lora: 'stock ops', ...before },
    { name: 'lora-before-copies', variant: 'lora', lora: 'stock ops', ...before, copies: true },
    { name: 'lora-after-stockops', variant: 'lora', lora: 'stock ops', ...after },
    { name: 'lora-after', variant: 'lora', lora: fused, ...after },
    { name: 'lora-after-ckpt', variant: 'lora', lora: fused, ...after, checkpointing: true },
  ];
}

interface Setup {
  step: () => void;
  dispose: () => void;
}

/** LoRA adapters A [r, in], B [out, r] for every layer linear, as trainable variables, and the hook. */
function loraHook(model: CausalLM, c: Case, trainable: tf.Variable[]): LinearHook {
  const adapters = new Map<string, [tf.Tensor2D, tf.Tensor2D]>();
  const variable = (shape: number[], name: string): tf.Tensor2D => {
    const t = shapeOnlyTensor(shape);
    const v = tf.variable(t, true, `${c.name}/${name}`);
    t.dispose();
    trainable.push(v);
    return v as unknown as tf.Tensor2D;
  };
  for (const spec of parameterSpecs(model.config)) {
    if (spec.kind !== 'linear' || !spec.name.startsWith('model.layers.')) continue;
    const [out, inF] = spec.shape as [number, number];
    const module = spec.name.slice(0, -'.weight'.length);
    adapters.set(module, [
      variable([RANK, inF], `${module}.lora_A`),
      variable([out, RANK], `${module}.lora_B`),
    ]);
  }
  const scale = ALPHA / RANK;
  return (module, x, w, b) => {
    const [a, bb] = adapters.get(module)!;
    if (c.lora === 'loraLinear') return loraLinear!(x, w as tf.Tensor2D, a, bb, { bias: b, scale });
    const low = tf.mul(tf.matMul(tf.matMul(x, a, false, true), bb, false, true), scale);
    return tf.add(linear(x, w, b), low) as tf.Tensor2D;
  };
}

/** The case's model, batch and optimizer on the active shape-only backend, and its training step. */
function setup(c: Case): Setup {
  const config = parseModelConfig(QWEN25_05B, 'Qwen2.5-0.5B/config.json');
  const weights = new Map<string, tf.Tensor>();
  const trainable: tf.Variable[] = [];
  for (const spec of parameterSpecs(config)) {
    const t = shapeOnlyTensor(spec.shape);
    if (c.variant === 'full') {
      const v = tf.variable(t, true, `${c.name}/${spec.name}`);
      t.dispose();
      trainable.push(v);
      weights.set(spec.name, v);
    } else weights.set(spec.name, t);
  }
  const model = new CausalLM({ config, weights });
  if (c.variant === 'lora') model.linearHook = loraHook(model, c, trainable);
  model.gradientCheckpointing = c.checkpointing;
  const inputIds = shapeOnlyTensor([BATCH, SEQ], 'int32') as tf.Tensor2D;
  const opt = c.optimizer === 'AdamW' ? new AdamW(trainable) : new MultiTensorAdamW(trainable);
  const grad = c.driver === 'valueAndGrads' ? valueAndGrads : tf.variableGrads;
  const be = shapeOnlyBackend();
  return {
    step: () => {
      be.aliasBookkeeping = !c.copies;
      const { value, grads } = grad(() => model.loss({ inputIds }, inputIds), trainable);
      opt.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      opt.dispose();
      model.dispose();
      tf.dispose([inputIds, ...trainable]);
    },
  };
}

interface Counted {
  kernels: number;
  optimizerKernels: number;
  uploads: number;
  byKernel: Record<string, number>;
  /** Most bytes live during the step above those live before: activations, gradients, temporaries. */
  peakActivations: number;
}

/** One step with the backend's counters reset: kernels, uploads and peak bytes of a steady step. */
function count(c: Case, s: Setup): Counted {
  const be = shapeOnlyBackend();
  be.resetCounts();
  const liveBefore = be.liveBytes;
  be.resetPeak();
  s.step();
  const byKernel = Object.fromEntries(be.counts.byKernel);
  if (be.liveBytes !== liveBefore)
    throw new Error(`${c.name}: a step left ${be.liveBytes - liveBefore} bytes`);
  return {
    kernels: be.counts.kernels,
    optimizerKernels: (byKernel['AdamWUpdate'] ?? 0) + (byKernel['MultiTensorAdamWUpdate'] ?? 0),
    uploads: be.counts.uploads,
    byKernel,
    peakActivations: be.peakBytes - liveBefore,
  };
}

/** Wall and CPU (user + system, all threads) ms of one call. */
function timed(f: () => void): [number, number] {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return [wall, (cpu.user + cpu.system) / 1000];
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: false,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      steps: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const steps = Number(values.steps ?? (quick ? 4 : 30));
  const warm = Number(values.warmup ?? (quick ? 2 : 10));
  const only = ((values.only ?? []) as string[]).flatMap((s) => s.split(',')).filter((s) => s !== '');
  const selected = cases().filter((c) => only.length === 0 || only.includes(c.name));
  registerShapeOnlyBackend('shape-only-bf16', { floatBytes: 2 });
  await tf.setBackend('shape-only-bf16');

  const m = machine();
  console.log(
    `\n## engine: training step at the Qwen2.5-0.5B shape, batch ${BATCH} x seq ${SEQ}, shape-only backend`,
  );
  console.log(
    `node ${m.node}, ${m.cpus} x ${m.cpuModel}, load avg ${m.load1} at start; ${warm} warm-up + ${steps} timed ` +
      `steps per case, cases interleaved step by step; fused loraLinear ` +
      `${loraLinear ? 'exported: used' : 'NOT exported: stock ops used'}`,
  );
  const be = shapeOnlyBackend();
  const setups: Setup[] = [];
  const own: number[] = []; // each case's weights and optimizer state
  try {
    for (const c of selected) {
      const before = be.liveBytes;
      setups.push(setup(c));
      setups.at(-1)!.step(); // creates the optimizer state
      own.push(be.liveBytes - before);
    }
    const counted = selected.map((c, i) => count(c, setups[i]!));
    for (let i = 0; i < warm; i++) setups.forEach((s) => s.step());
    collectGarbage();
    const wall: number[][] = selected.map(() => []);
    const cpu: number[][] = selected.map(() => []);
    for (let i = 0; i < steps; i++) {
      setups.forEach((s, j) => {
        const [w, c] = timed(s.step);
        wall[j]!.push(w);
        cpu[j]!.push(c);
      });
    }
    report(selected, counted, own, wall, cpu, { quick, steps, warm, m });
  } finally {
    setups.forEach((s) => s.dispose());
  }
}

function report(
  selected: Case[],
  counted: Counted[],
  own: number[],
  wall: number[][],
  cpu: number[][],
  run: { quick: boolean; steps: number; warm: number; m: ReturnType<typeof machine> },
): void {
  const GB = 1e9;
  console.log('');
  printTable(
    [
      'case',
      'backward',
      'LoRA',
      'optimizer',
      'ckpt',
      'kernels',
      'opt kernels',
      'uploads',
      'wall ms',
      'p10-p90',
      'cpu ms',
      'peak act GB',
      'weights+state GB',
    ],
    selected.map((c, i) => [
      c.name,
      c.driver,
      c.lora,
      c.optimizer,
      c.checkpointing ? 'yes' : 'no',
      String(counted[i]!.kernels),
      String(counted[i]!.optimizerKernels),
      String(counted[i]!.uploads),
      median(wall[i]!).toFixed(1),
      `${pct(wall[i]!, 0.1).toFixed(1)}-${pct(wall[i]!, 0.9).toFixed(1)}`,
      median(cpu[i]!).toFixed(1),
      (counted[i]!.peakActivations / GB).toFixed(2),
      (own[i]! / GB).toFixed(2),
    ]),
  );
  selected.forEach((c, i) => {
    const top = Object.entries(counted[i]!.byKernel).sort((a, b) => b[1] - a[1]);
    console.log(`  ${c.name}: ${top.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  });
  emitJson('engine', { backends: [], quick: run.quick, only: null, profile: false }, run.m, {
    backend: 'shape-only, bf16 storage accounting',
    steps: run.steps,
    warm: run.warm,
    fusedLora: loraLinear !== undefined,
    cases: selected.map((c, i) => ({
      ...c,
      ...counted[i]!,
      weightsAndStateBytes: own[i],
      wallMsMedian: round(median(wall[i]!)),
      wallMsP10: round(pct(wall[i]!, 0.1)),
      wallMsP90: round(pct(wall[i]!, 0.9)),
      cpuMsMedian: round(median(cpu[i]!)),
    })),
  });
}

await main();
