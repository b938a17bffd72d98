// Fused ops of @medgpt/core-tensor (one kernel each, host JS loops on cpu and wasm) against the same
// function built from plain tfjs ops (the `*Reference` exports), forward and forward+backward, on the cpu
// and wasm backends, all in one process. Not a test: it prints numbers.
//
//   npm run bench -- --only core-ops [--backend cpu|wasm] [--quick] [--only attention,swiglu]
//
// Sizes (a small LLM): T = 512 tokens (4 sequences x 128), hidden 256, 4 query heads / 2 kv heads of 64,
// MLP 688, vocab 4096. ms per call are medians of interleaved calls (fused, reference, fused, ...) after
// warm-up; "fwd+bwd" is tf.grads of the op with a fixed random upstream gradient (the loss ops: dy = 1).
// tokenLogprobs runs only when asked for (--only tokenLogprobs): it times like crossEntropy.
import {
  attention,
  attentionReference,
  crossEntropy,
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
  tokenLogprobs,
  tokenLogprobsReference,
} from '@medgpt/core-tensor';
import {
  emitJson,
  fmtMs,
  fmtRatio,
  liveTensors,
  machine,
  median,
  parseBenchArgs,
  printHeader,
  printTable,
  round,
  timeInterleaved,
  useBackend,
  type BackendName,
  type Plan,
} from '../lib/harness.js';

const SEQS = 4;
const SEQ = 128;
const T = SEQS * SEQ;
const HIDDEN = 256;
const HEADS = 4;
const KV_HEADS = 2;
const HEAD_DIM = HIDDEN / HEADS;
const MLP = 688;
const VOCAB = 4096;
const EPS = 1e-6;

type Fn = (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

/** One op at the bench size: inputs, the fused and the reference implementation. */
interface Instance {
  /** Differentiated inputs. */
  xs: tf.Tensor[];
  /** Upstream gradient for fwd+bwd; undefined for scalar losses (tfjs uses 1). */
  dy?: tf.Tensor;
  fused: Fn;
  reference: Fn;
  /** Constants the functions close over (labels, positions, ...), freed after the case. */
  constants: tf.Tensor[];
}

interface OpCase {
  name: string;
  shapes: string;
  make: () => Instance;
  /** Run only when named in --only (tokenLogprobs: the crossEntropy kernels again, per row). */
  extra?: boolean;
}

let seed = 1;
const normal = (shape: number[], std = 1): tf.Tensor =>
  tf.randomNormal(shape, 0, std, 'float32', seed++) as tf.Tensor;
const ints = (n: number, high: number): tf.Tensor1D =>
  tf.tensor1d(
    Array.from({ length: n }, (_, i) => (i * 7919 + 13) % high),
    'int32',
  );
/**
 * Both outputs of rope as one tensor, so tf.grads (single output) can take them. Flattened first: the
 * gradient of a concat is a slice, and tfjs-backend-cpu slices columns element by element (~1 µs each,
 * 200 ms for [512, 256]) while a 1-D slice is a copy.
 */
const joined = (pair: tf.Tensor[]): tf.Tensor =>
  tf.concat(
    pair.map((t) => tf.reshape(t, [-1])),
    0,
  );

const { invFreq } = ropeFrequencies({ headDim: HEAD_DIM, ropeTheta: 10000, maxPositionEmbeddings: 4096 });
const ropeOptions = { headDim: HEAD_DIM, invFreq };
const attentionOptions = { numHeads: HEADS, numKvHeads: KV_HEADS, batch: SEQS };

const CASES: OpCase[] = [
  {
    name: 'rmsNorm',
    shapes: `x [${T},${HIDDEN}], weight [${HIDDEN}]`,
    make: () => ({
      xs: [normal([T, HIDDEN]), tf.add(1, normal([HIDDEN], 0.1))],
      dy: normal([T, HIDDEN]),
      fused: ([x, w]) => rmsNorm(x!, w as tf.Tensor1D, EPS),
      reference: ([x, w]) => rmsNormReference(x!, w as tf.Tensor1D, EPS),
      constants: [],
    }),
  },
  {
    name: 'rope',
    shapes: `q [${T},${HEADS * HEAD_DIM}], k [${T},${KV_HEADS * HEAD_DIM}], head ${HEAD_DIM}`,
    make: () => {
      const positions = tf.tensor1d(
        Array.from({ length: T }, (_, i) => i % SEQ),
        'int32',
      );
      return {
        xs: [normal([T, HEADS * HEAD_DIM]), normal([T, KV_HEADS * HEAD_DIM])],
        dy: normal([T * (HEADS + KV_HEADS) * HEAD_DIM]),
        fused: ([q, k]) => rope(q as tf.Tensor2D, k as tf.Tensor2D, positions, ropeOptions),
        reference: ([q, k]) => ropeReference(q as tf.Tensor2D, k as tf.Tensor2D, positions, ropeOptions),
        constants: [positions],
      };
    },
  },
  {
    name: 'attention',
    shapes: `causal, ${SEQS} seqs x ${SEQ}, ${HEADS}/${KV_HEADS} heads of ${HEAD_DIM}`,
    make: () => ({
      xs: [normal([T, HEADS * HEAD_DIM]), normal([T, KV_HEADS * HEAD_DIM]), normal([T, KV_HEADS * HEAD_DIM])],
      dy: normal([T, HEADS * HEAD_DIM]),
      fused: ([q, k, v]) => attention(q!, k!, v!, attentionOptions),
      reference: ([q, k, v]) => attentionReference(q!, k!, v!, attentionOptions),
      constants: [],
    }),
  },
  {
    name: 'swiglu',
    shapes: `gate, up [${T},${MLP}]`,
    make: () => ({
      xs: [normal([T, MLP]), normal([T, MLP])],
      dy: normal([T, MLP]),
      fused: ([g, u]) => swiglu(g!, u!),
      reference: ([g, u]) => swigluReference(g!, u!),
      constants: [],
    }),
  },
  {
    name: 'crossEntropy',
    shapes: `logits [${T},${VOCAB}], mean`,
    make: () => {
      const labels = ints(T, VOCAB);
      return {
        xs: [normal([T, VOCAB], 2)],
        fused: ([logits]) => crossEntropy(logits!, labels),
        reference: ([logits]) => crossEntropyReference(logits!, labels),
        constants: [labels],
      };
    },
  },
  {
    name: 'tokenLogprobs',
    shapes: `logits [${T},${VOCAB}]`,
    extra: true,
    make: () => {
      const labels = ints(T, VOCAB);
      return {
        xs: [normal([T, VOCAB], 2)],
        dy: normal([T]),
        fused: ([logits]) => tokenLogprobs(logits!, labels),
        reference: ([logits]) => tokenLogprobsReference(logits!, labels),
        constants: [labels],
      };
    },
  },
  {
    name: 'linearCrossEntropy',
    shapes: `hidden [${T},${HIDDEN}] x lm_head [${VOCAB},${HIDDEN}]`,
    make: () => {
      const labels = ints(T, VOCAB);
      return {
        xs: [normal([T, HIDDEN]), normal([VOCAB, HIDDEN], 0.05)],
        fused: ([h, w]) => linearCrossEntropy(h!, w!, labels),
        // What one writes without the fused op: the full [T, V] logits, then the reference loss.
        reference: ([h, w]) => crossEntropyReference(tf.matMul(h!, w!, false, true), labels),
        constants: [labels],
      };
    },
  },
];

type Pass = 'fwd' | 'fwd+bwd';

interface Measurement {
  op: string;
  pass: Pass;
  backend: BackendName;
  fusedMs: number;
  referenceMs: number;
  reps: number;
  /** Tensors alive after the timed calls minus before (0 unless something leaks). */
  leaked: number;
}

function forwardCall(fn: Fn, inst: Instance): () => void {
  return () => tf.dispose(tf.tidy(() => fn(inst.xs)));
}

function gradCall(fn: Fn, inst: Instance): () => void {
  const single = (xs: tf.Tensor[]): tf.Tensor => {
    const out = fn(xs);
    return Array.isArray(out) ? joined(out) : out;
  };
  const grad = tf.grads((...xs: tf.Tensor[]) => single(xs));
  return () => tf.dispose(tf.tidy(() => grad(inst.xs, inst.dy)));
}

function measure(c: OpCase, backend: BackendName, plan: Plan): Measurement[] {
  const inst = c.make();
  const out: Measurement[] = [];
  for (const pass of ['fwd', 'fwd+bwd'] as const) {
    const call = pass === 'fwd' ? forwardCall : gradCall;
    const before = liveTensors();
    const [fused, reference] = timeInterleaved([call(inst.fused, inst), call(inst.reference, inst)], plan);
    out.push({
      op: c.name,
      pass,
      backend,
      fusedMs: median(fused!),
      referenceMs: median(reference!),
      reps: fused!.length,
      leaked: liveTensors() - before,
    });
  }
  tf.dispose([...inst.xs, ...(inst.dy ? [inst.dy] : []), ...inst.constants]);
  return out;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const m = machine();
  const cases = CASES.filter((c) => (args.only == null ? !c.extra : args.only.includes(c.name)));
  if (cases.length === 0) {
    console.log(`core-ops: no op matches --only ${args.only?.join(',')}; ops: ${CASES.map((c) => c.name)}`);
    return;
  }
  printHeader(
    `core-ops: fused ops vs plain-tfjs reference (T=${T}, hidden ${HIDDEN}, vocab ${VOCAB})`,
    args,
    m,
  );
  // Slow calls (the cpu references of the loss ops take seconds) get 1 warm-up and minReps timed rounds;
  // fast pairs repeat until the warm-up time and the budget are spent.
  const plan: Plan = args.quick
    ? { warmupMs: 50, maxWarmup: 10, minReps: 1, maxReps: 5, budgetMs: 100 }
    : { warmupMs: 250, maxWarmup: 30, minReps: 5, maxReps: 50, budgetMs: 1000 };
  const results: Measurement[] = [];
  // Op by op, each on every backend in turn: a slow phase of the machine then spreads over backends.
  for (const c of cases) {
    for (const backend of args.backends) {
      await useBackend(backend);
      results.push(...measure(c, backend, plan));
    }
  }

  const get = (op: string, pass: Pass, b: BackendName) =>
    results.find((r) => r.op === op && r.pass === pass && r.backend === b);
  const both = args.backends.length === 2;
  const headers = ['op', 'pass'];
  for (const b of args.backends) headers.push(`${b} fused ms`, `${b} ref ms`, `${b} ref/fused`);
  if (both) headers.push('fused cpu/wasm', 'ref cpu/wasm');
  const rows: string[][] = [];
  for (const c of cases) {
    for (const pass of ['fwd', 'fwd+bwd'] as const) {
      const row = [c.name, pass];
      for (const b of args.backends) {
        const r = get(c.name, pass, b)!;
        row.push(fmtMs(r.fusedMs), fmtMs(r.referenceMs), fmtRatio(r.referenceMs / r.fusedMs));
      }
      if (both) {
        const [cpu, wasm] = [get(c.name, pass, 'cpu')!, get(c.name, pass, 'wasm')!];
        row.push(fmtRatio(cpu.fusedMs / wasm.fusedMs), fmtRatio(cpu.referenceMs / wasm.referenceMs));
      }
      rows.push(row);
    }
  }
  console.log('');
  printTable(headers, rows);
  console.log(
    '\nms: median per call. ref/fused = reference ms / fused ms (>1: the fused op is faster). ' +
      'cpu/wasm = cpu ms / wasm ms (>1: wasm is faster).',
  );
  for (const c of cases) console.log(`  ${c.name}: ${c.shapes}`);
  const leaks = results.filter((r) => r.leaked !== 0);
  console.log(
    leaks.length === 0
      ? 'tensors: none leaked (numTensors unchanged around every timed series)'
      : `tensors: LEAK ${leaks.map((r) => `${r.op} ${r.pass} ${r.backend}: ${r.leaked}`).join('; ')}`,
  );
  if (leaks.length > 0) process.exitCode = 1;
  emitJson('core-ops', args, m, {
    sizes: { tokens: T, seqs: SEQS, hidden: HIDDEN, heads: HEADS, kvHeads: KV_HEADS, mlp: MLP, vocab: VOCAB },
    results: results.map((r) => ({
      ...r,
      fusedMs: round(r.fusedMs),
      referenceMs: round(r.referenceMs),
      refOverFused: round(r.referenceMs / r.fusedMs),
    })),
  });
}

await main();
