// The GPU DPO benchmark, our side: one DPO step of @medgpt/trainers-pref's DpoTask (LoRA r 8, alpha 16,
// dropout 0, every linear but lm_head) on a Qwen2.5-0.5B-shaped random model, driven as the trainer
// drives it (stepGradients + MultiTensorAdamW), for comparison with the same step in torch +
// transformers + peft (bench/torch/gpu_dpo_torch.py) in the same device run (bench/gpu/gpu-dpo.sh). Numbers, not
// a test. One case per process, so each case's peak memory is its own (the pool peak only grows).
//
//   node .device/cuda/gpu-dpo.mjs [--precompute false|true] [--ckpt false|true] [--backend cuda|cpu]
//     [--matmul bf16|fp32] [--pairs 8] [--seq 1024] [--layers 24] [--vocab 151936] [--hidden 896]
//     [--intermediate 4864] [--heads 14] [--kv-heads 2] [--warmup 3] [--steps 10] [--budget 60]
//     [--lr 5e-4] [--beta 0.1] [--seed 1234] [--json FILE] [--tiny] [--dump-batch]
//
// The step: the policy's forward over the 2 x pairs rows ([chosen rows; rejected rows], prompt + answer,
// right-padded to seq), the summed answer log-probs, the reference's (--precompute false: the same base
// with the adapters disabled, off the tape, after the policy's forward, as TRL does; true: read from
// the rows, computed once before timing), the sigmoid loss (beta 0.1), backward, AdamW (lr 5e-4, no
// weight decay, no gradient clipping), then a device sync. --ckpt true: per-layer activation
// checkpointing (MedicalGPT's DPO default; the reference pass runs without it). --tiny: a small shape
// for checking the program on the cpu backend. --dump-batch: print the batch summary and exit (compare
// with `python3 bench/torch/gpu_dpo_torch.py --dump-batch`).
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Generator, MultiTensorAdamW, tf } from '@medgpt/core-tensor';
import {
  enableGradientCheckpointing,
  LORA_OPTION_DEFAULTS,
  loraWeights,
  stepGradients,
} from '@medgpt/trainer';
import {
  adapterDisabledReference,
  DpoTask,
  precomputeReferenceLogps,
  type PairRow,
} from '@medgpt/trainers-pref';
import { batchSummary, syntheticPairs } from '../lib/dpo-batch.js';
import { buildRandomModel, deviceSync, memoryMiB, qwenRawConfig, setupBackend } from '../lib/gpu-model.js';
import { timeSteps } from '../lib/timed-steps.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    precompute: { type: 'string', default: 'false' },
    ckpt: { type: 'string', default: 'false' },
    tiny: { type: 'boolean', default: false },
    'dump-batch': { type: 'boolean', default: false },
    pairs: { type: 'string' },
    seq: { type: 'string' },
    layers: { type: 'string' },
    vocab: { type: 'string' },
    hidden: { type: 'string' },
    intermediate: { type: 'string' },
    heads: { type: 'string' },
    'kv-heads': { type: 'string' },
    warmup: { type: 'string' },
    steps: { type: 'string' },
    budget: { type: 'string', default: '60' },
    lr: { type: 'string', default: '5e-4' },
    beta: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '1234' },
    json: { type: 'string' },
  },
});

/** An option's value, else its --tiny default, else the Qwen2.5-0.5B-shape default. */
const option = (name: keyof typeof args, full: number, tiny: number): number =>
  Number((args[name] as string | undefined) ?? (args.tiny ? tiny : full));
const flag = (name: 'precompute' | 'ckpt'): boolean => {
  const v = args[name];
  if (v !== 'true' && v !== 'false') throw new Error(`--${name}: expected true or false, got ${v}`);
  return v === 'true';
};
const precompute = flag('precompute');
const ckpt = flag('ckpt');
const pairs = option('pairs', 8, 4);
const seq = option('seq', 1024, 64);
const shape = {
  layers: option('layers', 24, 2),
  vocab: option('vocab', 151936, 256),
  hidden: option('hidden', 896, 64),
  intermediate: option('intermediate', 4864, 128),
  heads: option('heads', 14, 4),
  kvHeads: option('kv-heads', 2, 2),
};
const warmup = option('warmup', 3, 1);
const steps = option('steps', 10, 2);
const budgetMs = Number(args.budget) * 1000;
const lr = Number(args.lr);
const beta = Number(args.beta);
const seed = Number(args.seed);
const padTokenId = 151643 % shape.vocab; // Qwen's <|endoftext|>; the attention mask marks padding

// ---- the batch (host only) ---------------------------------------------------------------------------

const synthetic = syntheticPairs(pairs, seq, shape.vocab, seed);
const summary = batchSummary(synthetic, seq);
if (args['dump-batch']) {
  console.log(JSON.stringify(summary));
  process.exit(0);
}
const rows = 2 * pairs;
console.log(
  `batch: ${pairs} pairs = ${rows} rows x ${seq} (seed ${seed}); [prompt, chosen, rejected] lengths ` +
    summary.lengths.map((l) => `[${l.join(', ')}]`).join(' ') +
    `; real tokens ${summary.realTokens} of ${rows * seq}, answer tokens ${summary.completionTokens}, ` +
    `checksum ${summary.checksum}`,
);
console.log(
  `tokens/s counts the real (non-padding) tokens of the ${rows} rows, prompt + answer of each: ` +
    `${summary.realTokens} per step (the padded batch is ${rows * seq})`,
);

// ---- the model and the task ------------------------------------------------------------------------------

await setupBackend(args.backend, args.matmul);
let started = performance.now();
const model = buildRandomModel(qwenRawConfig(shape));
// The trainer's LoRA weights (MedicalGPT's --use_peft with --target_modules all), B factors zero.
const weights = await loraWeights(
  model,
  {
    ...LORA_OPTION_DEFAULTS,
    target_modules: 'all',
    lora_rank: 8,
    lora_alpha: 16,
    lora_dropout: 0,
    model_name_or_path: '<qwen2.5-0.5b shape>',
  },
  seed,
);
if (ckpt) enableGradientCheckpointing(model, [weights.peft.rng]);
const params = [...model.weights.values()].reduce((n, w) => n + w.size, 0);
const trainable = weights.parameters.reduce((n, v) => n + v.size, 0);
console.log(
  `model: ${shape.layers} layers, vocab ${shape.vocab}, ${(params / 1e6).toFixed(1)}M parameters ` +
    `(${(trainable / 1e6).toFixed(2)}M trainable, LoRA r 8 alpha 16 all linears) on ${args.backend} ` +
    `(matmul ${args.backend === 'cuda' ? args.matmul : 'fp32'}) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
    `activation checkpointing ${ckpt ? 'on' : 'off'}; reference log-probs ${precompute ? 'precomputed' : 'computed in every step'}`,
);

const pairRows: PairRow[] = synthetic.map((p) => ({ ...p }));
const reference = adapterDisabledReference(weights.peft);
let precomputeMs: number | null = null;
if (precompute) {
  // TRL's precompute_ref_log_probs: one reference pass before training; the step reads the rows' values.
  started = performance.now();
  precomputeReferenceLogps(pairRows, reference, { padTokenId, batchSize: pairs, log: (l) => console.log(l) });
  precomputeMs = performance.now() - started;
}
const task = new DpoTask({
  model,
  weights,
  padTokenId,
  reference: precompute ? null : reference, // precomputed: a reference forward would throw
  beta,
  losses: [{ type: 'sigmoid', weight: 1 }],
  labelSmoothing: 0,
  discopopTau: 0.05,
});
const batch = task.collate(pairRows);
if (batch.tokens.seqLength !== seq || batch.tokens.batchSize !== rows) {
  throw new Error(
    `collated ${batch.tokens.batchSize} x ${batch.tokens.seqLength}, expected ${rows} x ${seq}`,
  );
}
const realTokens = task.tokens(batch);
if (realTokens !== summary.realTokens)
  throw new Error(`${realTokens} real tokens, expected ${summary.realTokens}`);

// ---- the step ------------------------------------------------------------------------------------------

const optimizer = new MultiTensorAdamW(weights.parameters, { lr, weightDecay: 0 });
const generator = new Generator(seed);
const step = (): number => {
  const { grads, loss } = stepGradients(task, [batch], generator); // reads the loss: a host sync
  optimizer.step(grads);
  tf.dispose(Object.values(grads));
  deviceSync(); // the optimizer's update is inside the step's time
  return loss;
};

const { losses, warmMs, stepMs, leaked } = timeSteps(step, { warmup, steps, budgetMs });
const metrics = task.takeMetrics('train');
const mem = memoryMiB();
const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
const median = [...stepMs].sort((a, b) => a - b)[Math.floor(stepMs.length / 2)]!;
const ln2 = Math.log(2);
const firstLoss = losses[0]!;

console.log(
  `warm-up ${warmMs.map((m) => m.toFixed(0)).join(' ')} ms; steps ${stepMs.map((m) => m.toFixed(0)).join(' ')} ms; ` +
    `losses ${losses.map((l) => l.toFixed(4)).join(' ')}`,
);
console.log(
  `step 1 loss ${firstLoss.toFixed(6)} (ln 2 = ${ln2.toFixed(6)}, difference ${Math.abs(firstLoss - ln2).toExponential(2)}: ` +
    `the LoRA B factors start at zero, so policy = reference)`,
);
console.log(
  `${(realTokens / (mean / 1000)).toFixed(0)} tokens/s (real tokens), ${mean.toFixed(1)} ms/step mean, ` +
    `${median.toFixed(1)} median over ${stepMs.length} timed steps; peak ${mem.poolPeakMiB} MiB (pool), live ${mem.liveMiB} MiB` +
    (precomputeMs === null ? '' : `; reference pass before training ${precomputeMs.toFixed(0)} ms`),
);
console.log(
  `metrics (TRL's names, mean over the ${warmup + stepMs.length} steps): ` +
    Object.entries(metrics)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(', '),
);
console.log(`tensors leaked over the timed steps: ${leaked}`);

const line = JSON.stringify({
  bench: 'gpu-dpo',
  stack: 'medgpt',
  backend: args.backend,
  precision: args.backend === 'cuda' ? args.matmul : 'fp32',
  storage: 'fp32',
  ckpt,
  precompute,
  layers: shape.layers,
  vocab: shape.vocab,
  pairs,
  rows,
  seq,
  lengths: summary.lengths,
  realTokens,
  completionTokens: summary.completionTokens,
  paddedTokens: rows * seq,
  checksum: summary.checksum,
  params,
  trainable,
  beta,
  lr,
  warmup,
  steps: stepMs.length,
  stepMs: stepMs.map((m) => Math.round(m * 10) / 10),
  stepMsMean: Math.round(mean * 10) / 10,
  stepMsMedian: Math.round(median * 10) / 10,
  tokensPerSec: Math.round(realTokens / (mean / 1000)),
  losses: losses.slice(0, 5),
  firstLoss,
  lastLoss: losses[losses.length - 1],
  precomputeMs: precomputeMs === null ? null : Math.round(precomputeMs),
  peakMiB: mem.poolPeakMiB,
  liveMiB: mem.liveMiB,
  leaked,
});
console.log(line);
if (args.json) appendFileSync(args.json, `${line}\n`);

optimizer.dispose();
task.dispose();
weights.dispose();
model.dispose();
if (leaked !== 0) process.exit(1);
