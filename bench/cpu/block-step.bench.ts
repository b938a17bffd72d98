// One training step of a tiny Llama/Qwen-style decoder (one block) on the cpu and wasm backends: built
// with @medgpt/core-tensor's fused ops and AdamW ("fused"), and the same block from plain tfjs ops (the
// `*Reference` exports, full logits, tf.train.adam: "naive"), in one process. Not a test: it prints numbers.
//
//   npm run bench -- --only block-step [--backend cpu|wasm] [--quick] [--only fused|naive] [--profile]
//
// Step: tf.gather embedding -> rmsNorm -> q/k/v matMul (HF [out, in] weights, 2-D, transposeB) -> rope ->
// causal GQA attention -> o_proj -> residual -> rmsNorm -> gate/up -> swiglu -> down -> residual -> final
// rmsNorm -> lm_head + cross-entropy -> tf.variableGrads -> optimizer step. Sizes as deps-findings §2's
// block (vocab ~2000, d 256, 4 heads, seq 128, batch 8); MLP 688 (3 x 256 x 688 weights ~ the 2 x 256 x
// 1024 of that block's GELU MLP); untied lm_head; no biases. Weight decay 0, so AdamW and tfjs's Adam
// are the same update and both models must print the same losses.
import {
  AdamW,
  attention,
  attentionReference,
  crossEntropyReference,
  linearCrossEntropy,
  rmsNorm,
  rmsNormReference,
  rope,
  ropeFrequencies,
  ropeReference,
  swiglu,
  swigluReference,
  tf,
} from '@medgpt/core-tensor';
import {
  collectGarbage,
  emitJson,
  fmtMs,
  fmtRatio,
  liveTensors,
  machine,
  median,
  parseBenchArgs,
  printHeader,
  printTable,
  profileKernels,
  round,
  timeOnce,
  useBackend,
  type BackendName,
} from '../lib/harness.js';

const VOCAB = 2000;
const D = 256;
const HEADS = 4;
const KV_HEADS = 2;
const HEAD_DIM = D / HEADS;
const MLP = 688;
const SEQ = 128;
const BATCH = 8;
const TOKENS = BATCH * SEQ;
const EPS = 1e-6;
const LR = 1e-3;

const VARIANTS = ['fused', 'naive'] as const;
type Variant = (typeof VARIANTS)[number];

/** HF names and shapes ([out, in] for linears). */
const WEIGHTS: [string, number[], 'normal' | 'ones'][] = [
  ['embed_tokens.weight', [VOCAB, D], 'normal'],
  ['layers.0.input_layernorm.weight', [D], 'ones'],
  ['layers.0.self_attn.q_proj.weight', [HEADS * HEAD_DIM, D], 'normal'],
  ['layers.0.self_attn.k_proj.weight', [KV_HEADS * HEAD_DIM, D], 'normal'],
  ['layers.0.self_attn.v_proj.weight', [KV_HEADS * HEAD_DIM, D], 'normal'],
  ['layers.0.self_attn.o_proj.weight', [D, HEADS * HEAD_DIM], 'normal'],
  ['layers.0.post_attention_layernorm.weight', [D], 'ones'],
  ['layers.0.mlp.gate_proj.weight', [MLP, D], 'normal'],
  ['layers.0.mlp.up_proj.weight', [MLP, D], 'normal'],
  ['layers.0.mlp.down_proj.weight', [D, MLP], 'normal'],
  ['norm.weight', [D], 'ones'],
  ['lm_head.weight', [VOCAB, D], 'normal'],
];

/** The ops a block is written with: core-tensor's fused ones, or the plain-tfjs references. */
interface Ops {
  rmsNorm: typeof rmsNorm;
  rope: typeof rope;
  attention: typeof attention;
  swiglu: typeof swiglu;
  /** lm_head projection + mean cross-entropy. */
  headLoss: (hidden: tf.Tensor, lmHead: tf.Tensor, labels: tf.Tensor) => tf.Scalar;
}

const OPS: Record<Variant, Ops> = {
  fused: {
    rmsNorm,
    rope,
    attention,
    swiglu,
    headLoss: (h, w, labels) => linearCrossEntropy(h, w, labels),
  },
  naive: {
    rmsNorm: rmsNormReference,
    rope: ropeReference,
    attention: attentionReference,
    swiglu: swigluReference,
    headLoss: (h, w, labels) => crossEntropyReference(tf.matMul(h, w, false, true), labels),
  },
};

interface Batch {
  ids: tf.Tensor1D;
  labels: tf.Tensor1D;
  positions: tf.Tensor1D;
}

/** Fixed pseudo-random token rows; labels are the next token (the last of each row is ignored). */
function makeBatch(): Batch {
  const rows = Array.from({ length: BATCH }, (_, b) =>
    Array.from({ length: SEQ + 1 }, (_, t) => (b * 7919 + t * 104729 + ((t * t) % 97)) % VOCAB),
  );
  const ids = rows.flatMap((r) => r.slice(0, SEQ));
  const labels = rows.flatMap((r) => r.slice(1));
  return {
    ids: tf.tensor1d(ids, 'int32'),
    labels: tf.tensor1d(labels, 'int32'),
    positions: tf.tensor1d(
      Array.from({ length: TOKENS }, (_, i) => i % SEQ),
      'int32',
    ),
  };
}

const { invFreq } = ropeFrequencies({ headDim: HEAD_DIM, ropeTheta: 10000, maxPositionEmbeddings: 4096 });

function blockLoss(ops: Ops, w: Record<string, tf.Variable>, batch: Batch): tf.Scalar {
  const p = (name: string) => w[name]!;
  const linear = (x: tf.Tensor, name: string) => tf.matMul(x, p(name), false, true);
  const x0 = tf.gather(p('embed_tokens.weight'), batch.ids);
  const h1 = ops.rmsNorm(x0, p('layers.0.input_layernorm.weight') as tf.Tensor1D, EPS);
  const q = linear(h1, 'layers.0.self_attn.q_proj.weight') as tf.Tensor2D;
  const k = linear(h1, 'layers.0.self_attn.k_proj.weight') as tf.Tensor2D;
  const v = linear(h1, 'layers.0.self_attn.v_proj.weight');
  const [qr, kr] = ops.rope(q, k, batch.positions, { headDim: HEAD_DIM, invFreq });
  const a = ops.attention(qr, kr, v, { numHeads: HEADS, numKvHeads: KV_HEADS, batch: BATCH });
  const x1 = tf.add(x0, linear(a, 'layers.0.self_attn.o_proj.weight'));
  const h2 = ops.rmsNorm(x1, p('layers.0.post_attention_layernorm.weight') as tf.Tensor1D, EPS);
  const m = ops.swiglu(
    linear(h2, 'layers.0.mlp.gate_proj.weight'),
    linear(h2, 'layers.0.mlp.up_proj.weight'),
  );
  const x2 = tf.add(x1, linear(m, 'layers.0.mlp.down_proj.weight'));
  const hf = ops.rmsNorm(x2, p('norm.weight') as tf.Tensor1D, EPS);
  return ops.headLoss(hf, p('lm_head.weight'), batch.labels);
}

interface Model {
  variant: Variant;
  weights: Record<string, tf.Variable>;
  /** One step; returns the loss before the update. */
  step: () => number;
  dispose: () => void;
}

function makeModel(variant: Variant, backend: BackendName, batch: Batch): Model {
  const weights: Record<string, tf.Variable> = {};
  WEIGHTS.forEach(([name, shape, init], i) => {
    // Same seeds for both variants and backends: same starting weights everywhere.
    const value = init === 'ones' ? tf.ones(shape) : tf.randomNormal(shape, 0, 0.02, 'float32', 100 + i);
    weights[name] = tf.variable(value, true, `${backend}/${variant}/${name}`);
    value.dispose();
  });
  const vars = Object.values(weights);
  const ops = OPS[variant];
  const loss = () => blockLoss(ops, weights, batch);
  if (variant === 'fused') {
    const opt = new AdamW(vars, { lr: LR, weightDecay: 0 });
    return {
      variant,
      weights,
      step: () => {
        const { value, grads } = tf.variableGrads(loss, vars);
        opt.step(grads);
        const l = value.dataSync()[0]!;
        tf.dispose([value, ...Object.values(grads)]);
        return l;
      },
      dispose: () => {
        opt.dispose();
        tf.dispose(vars);
      },
    };
  }
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  return {
    variant,
    weights,
    step: () => {
      const { value, grads } = tf.variableGrads(loss, vars);
      opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      const l = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return l;
    },
    dispose: () => {
      opt.dispose();
      tf.dispose(vars);
    },
  };
}

interface Result {
  backend: BackendName;
  variant: Variant;
  msPerStep: number;
  tokensPerSec: number;
  steps: number;
  firstStepMs: number;
  /** Every timed step, ms. */
  samples: number[];
  losses: number[];
  /** numTensors after minus before each timed step (all 0 when nothing leaks). */
  tensorDeltas: number[];
  tensorsAfterWarmup: number;
}

async function runBackend(
  backend: BackendName,
  variants: Variant[],
  warmup: number,
  reps: number,
  profile: boolean,
): Promise<Result[]> {
  const batch = makeBatch();
  const models = variants.map((v) => makeModel(v, backend, batch));
  const results: Result[] = models.map((m) => ({
    backend,
    variant: m.variant,
    msPerStep: NaN,
    tokensPerSec: NaN,
    steps: 0,
    firstStepMs: NaN,
    samples: [],
    losses: [],
    tensorDeltas: [],
    tensorsAfterWarmup: 0,
  }));
  // Steps alternate between the models, so load from other jobs hits both alike.
  for (let s = 0; s < warmup + reps; s++) {
    if (s === warmup) collectGarbage();
    models.forEach((m, i) => {
      const r = results[i]!;
      const before = liveTensors();
      let loss = NaN;
      const ms = timeOnce(() => {
        loss = m.step();
      });
      r.losses.push(round(loss));
      if (s === 0) r.firstStepMs = ms;
      if (s === warmup - 1) r.tensorsAfterWarmup = liveTensors();
      if (s >= warmup) {
        r.samples.push(ms);
        r.tensorDeltas.push(liveTensors() - before);
      }
    });
  }
  results.forEach((r) => {
    r.steps = r.samples.length;
    r.msPerStep = median(r.samples);
    r.tokensPerSec = (TOKENS * 1000) / r.msPerStep;
  });
  if (profile) for (const m of models) await printProfile(backend, m);
  for (const m of models) m.dispose();
  tf.dispose([batch.ids, batch.labels, batch.positions]);
  return results;
}

/** One more step of `m` under tf.profile: the kernels that take the time. */
async function printProfile(backend: BackendName, m: Model): Promise<void> {
  const { totalMs, kernels } = await profileKernels(() => {
    m.step();
  });
  const top = kernels.slice(0, 12);
  console.log(`\nprofile ${backend} ${m.variant}: one step ${fmtMs(totalMs)} ms (with profiling overhead)`);
  printTable(
    ['kernel', 'calls', 'ms'],
    top.map((k) => [k.name, String(k.calls), fmtMs(k.ms)]),
  );
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const m = machine();
  const variants = VARIANTS.filter((v) => args.only == null || args.only.includes(v));
  if (variants.length === 0) {
    console.log(`block-step: no variant matches --only ${args.only?.join(',')}; variants: ${VARIANTS}`);
    return;
  }
  printHeader(
    `block-step: one decoder block training step, fused ops + AdamW vs plain tfjs + tf.train.adam`,
    args,
    m,
  );
  // Warm-up includes the first step (optimizer state is created there).
  const [warmup, reps] = args.quick ? [1, 1] : [1, 3];
  const results: Result[] = [];
  for (const backend of args.backends) {
    await useBackend(backend);
    results.push(...(await runBackend(backend, variants, warmup, reps, args.profile)));
  }

  const get = (b: BackendName, v: Variant) => results.find((r) => r.backend === b && r.variant === v);
  const rows = results.map((r) => {
    const naive = get(r.backend, 'naive');
    const cpu = get('cpu', r.variant);
    return [
      r.backend,
      r.variant,
      fmtMs(r.msPerStep),
      r.tokensPerSec.toFixed(0),
      fmtMs(r.firstStepMs),
      r.variant === 'fused' && naive ? fmtRatio(naive.msPerStep / r.msPerStep) : '-',
      r.backend === 'wasm' && cpu ? fmtRatio(cpu.msPerStep / r.msPerStep) : '-',
      `${r.losses[0]} -> ${r.losses.at(-1)}`,
      r.tensorDeltas.every((d) => d === 0) ? `none (${r.tensorsAfterWarmup} live)` : `LEAK ${r.tensorDeltas}`,
    ];
  });
  console.log(
    `\nvocab ${VOCAB}, d ${D}, ${HEADS}/${KV_HEADS} heads of ${HEAD_DIM}, MLP ${MLP}, batch ${BATCH} x seq ${SEQ} = ${TOKENS} tokens/step; ` +
      `${warmup} warm-up + ${reps} timed steps per model, alternating\n`,
  );
  printTable(
    [
      'backend',
      'model',
      'ms/step',
      'tokens/s',
      '1st step ms',
      'naive/fused',
      'cpu/wasm',
      'loss',
      'leak (tensors)',
    ],
    rows,
  );
  console.log(
    '\nms/step: median. naive/fused = naive ms / fused ms (>1: fused is faster); cpu/wasm = cpu ms / wasm ms ' +
      '(>1: wasm is faster). leak: tf.memory().numTensors must not change across a timed step (live: tensors of all models after warm-up).',
  );
  emitJson('block-step', args, m, {
    sizes: { vocab: VOCAB, d: D, heads: HEADS, kvHeads: KV_HEADS, mlp: MLP, seq: SEQ, batch: BATCH },
    warmup,
    results: results.map((r) => ({
      ...r,
      msPerStep: round(r.msPerStep),
      samples: r.samples.map(round),
      tokensPerSec: round(r.tokensPerSec),
      firstStepMs: round(r.firstStepMs),
      naiveOverFused:
        r.variant === 'fused' ? round((get(r.backend, 'naive')?.msPerStep ?? NaN) / r.msPerStep) : null,
      leaked: !r.tensorDeltas.every((d) => d === 0),
    })),
  });
  if (results.some((r) => !r.tensorDeltas.every((d) => d === 0))) process.exitCode = 1;
}

await main();
