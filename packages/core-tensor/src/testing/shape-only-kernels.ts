// The kernels of the shape-only backend: each computes (and checks) its output shapes and allocates
// outputs, nothing else. The list covers a decoder training step: tfjs ops the models and tfjs's own
// gradients call, our fused ops and their backward kernels, and the optimizer kernels. A missing
// kernel fails loudly (tfjs: "Kernel 'X' not registered for backend"), which is how the list is kept
// complete.
import {
  AdamWUpdate,
  Attention,
  AttentionGrad,
  CrossEntropy,
  CrossEntropyGrad,
  ExpertRouting,
  GroupedMatMul,
  GroupedMatMulWeightGrad,
  LoraLinear,
  LoraLinearGrad,
  MultiTensorAdamWUpdate,
  PhiloxDropout,
  PhiloxRandom,
  RmsNorm,
  RmsNormGrad,
  Rope,
  RopeGrad,
  SgdUpdate,
  Swiglu,
  SwigluGrad,
  TokenLogprobs,
  TokenLogprobsGrad,
} from '../kernel-names.js';
import { tf } from '../tf.js';
import type { ShapeOnlyBackend } from './shape-only-backend.js';

type Infos = Record<string, tf.TensorInfo>;
export type ShapeOnlyKernel = (
  inputs: Infos,
  attrs: tf.NamedAttrMap,
  backend: ShapeOnlyBackend,
) => tf.TensorInfo | tf.TensorInfo[];

function fail(kernel: string, what: string): never {
  throw new Error(`shape-only ${kernel}: ${what}`);
}

function broadcast(kernel: string, a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(kernel, `shapes [${a}] and [${b}] do not broadcast`);
    out[i] = x === 1 ? y : x;
  }
  return out;
}

function axes(axis: unknown, rank: number): number[] {
  const list =
    axis == null ? [...Array(rank).keys()] : Array.isArray(axis) ? (axis as number[]) : [axis as number];
  return list.map((a) => (a < 0 ? a + rank : a));
}

const inputList = (inputs: Infos): tf.TensorInfo[] => Object.values(inputs).filter((t) => t != null);

// --- families of kernels

const binary =
  (name: string, dtype?: tf.DataType): ShapeOnlyKernel =>
  ({ a, b }, _attrs, be) =>
    be.allocate(broadcast(name, a!.shape, b!.shape), dtype ?? a!.dtype);

const unary =
  (dtype?: tf.DataType): ShapeOnlyKernel =>
  ({ x }, _attrs, be) =>
    be.allocate(x!.shape, dtype ?? x!.dtype);

const reduce =
  (dtype?: (x: tf.TensorInfo) => tf.DataType): ShapeOnlyKernel =>
  ({ x }, { axis, keepDims }, be) => {
    const ax = axes(axis, x!.shape.length);
    const shape = keepDims
      ? x!.shape.map((d, i) => (ax.includes(i) ? 1 : d))
      : x!.shape.filter((_, i) => !ax.includes(i));
    return be.allocate(shape, dtype ? dtype(x!) : x!.dtype);
  };

const sumDtype = (x: tf.TensorInfo): tf.DataType => (x.dtype === 'bool' ? 'int32' : x.dtype);

function matMul(name: string): ShapeOnlyKernel {
  return ({ a, b }, { transposeA, transposeB }, be) => {
    const [ar, br] = [a!.shape.length, b!.shape.length];
    const m = transposeA ? a!.shape[ar - 1]! : a!.shape[ar - 2]!;
    const ka = transposeA ? a!.shape[ar - 2]! : a!.shape[ar - 1]!;
    const kb = transposeB ? b!.shape[br - 1]! : b!.shape[br - 2]!;
    const n = transposeB ? b!.shape[br - 2]! : b!.shape[br - 1]!;
    if (ka !== kb)
      fail(name, `[${a!.shape}] x [${b!.shape}] (transposeA ${transposeA}, transposeB ${transposeB})`);
    return be.allocate([...broadcast(name, a!.shape.slice(0, -2), b!.shape.slice(0, -2)), m, n], a!.dtype);
  };
}

/** Outputs shaped like the named inputs, in order (fused backward kernels); one name, one output. */
const like =
  (...names: string[]): ShapeOnlyKernel =>
  (inputs, _attrs, be) => {
    const outs = names.map((n) => be.allocate(inputs[n]!.shape, inputs[n]!.dtype));
    return outs.length === 1 ? outs[0]! : outs;
  };

/**
 * Optimizer kernels: per tensor, the updated parameter and slots (named as the inputs), in place when
 * nothing else holds the input buffer, as a device backend updates them (MultiTensorAdamWUpdate's
 * contract), otherwise in new buffers (also for a slot that has no input yet). Inputs `param{i}`
 * (multi-tensor) or `param`.
 */
const optimizer =
  (slots: (attrs: tf.NamedAttrMap) => string[]): ShapeOnlyKernel =>
  (inputs, attrs, be) => {
    const suffixes =
      inputs['param'] !== undefined ? [''] : (attrs['steps'] as number[]).map((_, i) => `${i}`);
    return suffixes.flatMap((s) => {
      const p = inputs[`param${s}`] ?? fail('optimizer', `input 'param${s}' is missing`);
      return ['param', ...slots(attrs)].map((name) => {
        const x = inputs[`${name}${s}`];
        return x !== undefined && be.refCount(x.dataId) === 1 ? be.alias(x) : be.allocate(p.shape, p.dtype);
      });
    });
  };

// --- the kernels

const BINARY = [
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Maximum',
  'Minimum',
  'Pow',
  'SquaredDifference',
  'FloorDiv',
  'Mod',
];
const COMPARE = [
  'Equal',
  'NotEqual',
  'Less',
  'LessEqual',
  'Greater',
  'GreaterEqual',
  'LogicalAnd',
  'LogicalOr',
];
const UNARY = [
  'Neg',
  'Exp',
  'Log',
  'Log1p',
  'Sqrt',
  'Rsqrt',
  'Square',
  'Abs',
  'Tanh',
  'Sigmoid',
  'Relu',
  'Relu6',
  'Elu',
  'Sin',
  'Cos',
  'Step',
  'Sign',
  'Floor',
  'Ceil',
  'Round',
  'Reciprocal',
  'Softplus',
  'Erf',
  'ClipByValue',
  'LeakyRelu',
  'ZerosLike',
  'OnesLike',
  'Softmax',
  'Cumsum',
  'Reverse',
  PhiloxDropout,
  // Our fused forward kernels with one output shaped like their first input.
  RmsNorm,
  Swiglu,
  Attention,
];

export const SHAPE_ONLY_KERNELS: Record<string, ShapeOnlyKernel> = {
  ...Object.fromEntries(BINARY.map((k) => [k, binary(k)])),
  ...Object.fromEntries(COMPARE.map((k) => [k, binary(k, 'bool')])),
  ...Object.fromEntries(
    UNARY.map((k) => [k, (inputs, attrs, be) => unary()({ x: inputList(inputs)[0]! }, attrs, be)]),
  ),
  LogicalNot: unary('bool'),
  IsNan: unary('bool'),
  Sum: reduce(sumDtype),
  Prod: reduce(sumDtype),
  Mean: reduce(() => 'float32'),
  Max: reduce(),
  Min: reduce(),
  All: reduce(() => 'bool'),
  Any: reduce(() => 'bool'),
  ArgMax: reduce(() => 'int32'),
  ArgMin: reduce(() => 'int32'),
  BatchMatMul: matMul('BatchMatMul'),
  _FusedMatMul: matMul('_FusedMatMul'),
  AddN: (inputs, _attrs, be) => be.allocate(inputList(inputs)[0]!.shape, inputList(inputs)[0]!.dtype),
  Identity: ({ x }, _attrs, be) => (be.aliasBookkeeping ? be.alias(x!) : be.allocate(x!.shape, x!.dtype)),
  Cast: ({ x }, { dtype }, be) =>
    dtype === x!.dtype && be.aliasBookkeeping ? be.alias(x!) : be.allocate(x!.shape, dtype as tf.DataType),
  Reshape: ({ x }, { shape }, be) =>
    be.alias(x!, tf.util.inferFromImplicitShape(shape as number[], tf.util.sizeFromShape(x!.shape))),
  Transpose: ({ x }, { perm }, be) =>
    be.allocate(
      (perm as number[]).map((p) => x!.shape[p]!),
      x!.dtype,
    ),
  Slice: ({ x }, { begin, size }, be) => {
    const [b, s] = tf.slice_util.parseSliceParams(
      x as unknown as tf.Tensor,
      begin as number[],
      size as number[],
    );
    s.forEach((d, i) => b[i]! + d > x!.shape[i]! && fail('Slice', `[${b}] + [${s}] exceeds [${x!.shape}]`));
    return be.allocate(s, x!.dtype);
  },
  Concat: (inputs, { axis }, be) => {
    const xs = inputList(inputs);
    const ax = axes(axis, xs[0]!.shape.length)[0]!;
    const shape = xs[0]!.shape.slice();
    shape[ax] = xs.reduce((n, x) => n + x.shape[ax]!, 0);
    return be.allocate(shape, xs[0]!.dtype);
  },
  Pack: (inputs, { axis }, be) => {
    const xs = inputList(inputs);
    const shape = xs[0]!.shape.slice();
    shape.splice(axes(axis, shape.length + 1)[0]!, 0, xs.length);
    return be.allocate(shape, xs[0]!.dtype);
  },
  Unpack: ({ value }, { axis }, be) => {
    const ax = axes(axis, value!.shape.length)[0]!;
    const shape = value!.shape.filter((_, i) => i !== ax);
    return Array.from({ length: value!.shape[ax]! }, () => be.allocate(shape, value!.dtype));
  },
  SplitV: ({ x }, { numOrSizeSplits, axis }, be) => {
    const ax = axes(axis, x!.shape.length)[0]!;
    const n = numOrSizeSplits as number | number[];
    const sizes = Array.isArray(n) ? n : new Array<number>(n).fill(x!.shape[ax]! / n);
    return sizes.map((s) =>
      be.allocate(
        x!.shape.map((d, i) => (i === ax ? s : d)),
        x!.dtype,
      ),
    );
  },
  Tile: ({ x }, { reps }, be) =>
    be.allocate(
      x!.shape.map((d, i) => d * (reps as number[])[i]!),
      x!.dtype,
    ),
  Fill: (_inputs, { shape, dtype }, be) => be.allocate(shape as number[], dtype as tf.DataType),
  Range: (_inputs, { start, stop, step, dtype }, be) =>
    be.allocate(
      [Math.max(0, Math.ceil(((stop as number) - (start as number)) / (step as number)))],
      dtype as tf.DataType,
    ),
  GatherV2: ({ x, indices }, { axis }, be) => {
    const ax = axes(axis, x!.shape.length)[0]!;
    return be.allocate([...x!.shape.slice(0, ax), ...indices!.shape, ...x!.shape.slice(ax + 1)], x!.dtype);
  },
  UnsortedSegmentSum: ({ x, segmentIds }, { numSegments }, be) =>
    be.allocate([numSegments as number, ...x!.shape.slice(segmentIds!.shape.length)], x!.dtype),
  OneHot: ({ indices }, { depth, dtype }, be) =>
    be.allocate([...indices!.shape, depth as number], dtype as tf.DataType),
  Select: ({ t, e }, _attrs, be) => be.allocate(broadcast('Select', t!.shape, e!.shape), t!.dtype),
  [PhiloxRandom]: (_inputs, { shape }, be) => be.allocate(shape as number[], 'float32'),
  // Our fused ops (kernel-names.ts) and their backward kernels.
  [RmsNormGrad]: like('x', 'weight'),
  [Rope]: like('q', 'k'),
  [RopeGrad]: like('dyQ', 'dyK'),
  [AttentionGrad]: like('q', 'k', 'v'),
  [SwigluGrad]: like('gate', 'up'),
  [CrossEntropy]: (_inputs, _attrs, be) => be.allocate([], 'float32'),
  [CrossEntropyGrad]: like('logits'),
  [TokenLogprobs]: ({ logits }, _attrs, be) => be.allocate([logits!.shape[0]!], 'float32'),
  [TokenLogprobsGrad]: like('logits'),
  [LoraLinear]: ({ x, weight, loraA }, _attrs, be) => {
    const [t, inF] = x!.shape as [number, number];
    if (weight!.shape[1] !== inF || loraA!.shape[1] !== inF) {
      fail(LoraLinear, `x [${x!.shape}], weight [${weight!.shape}], loraA [${loraA!.shape}]`);
    }
    return [be.allocate([t, weight!.shape[0]!]), be.allocate([t, loraA!.shape[0]!])];
  },
  [LoraLinearGrad]: like('x', 'loraA', 'loraB'),
  [GroupedMatMul]: ({ x, weight }, { transposeWeight }, be) =>
    be.allocate([x!.shape[0]!, weight!.shape[transposeWeight ? 1 : 2]!]),
  [GroupedMatMulWeightGrad]: ({ a, b, groupSizes }, _attrs, be) =>
    be.allocate([groupSizes!.shape[0]!, a!.shape[1]!, b!.shape[1]!]),
  [ExpertRouting]: ({ probs }, { k }, be) => {
    const [t, e] = probs!.shape as [number, number];
    const slots = t * (k as number);
    return [
      be.allocate([slots], 'int32'),
      be.allocate([e], 'int32'),
      be.allocate([slots], 'int32'),
      be.allocate([slots], 'int32'),
    ];
  },
  // Optimizers.
  [AdamWUpdate]: optimizer(() => ['m', 'v']),
  [MultiTensorAdamWUpdate]: optimizer(() => ['m', 'v']),
  [SgdUpdate]: optimizer((attrs) => ((attrs['momentum'] as number) !== 0 ? ['buf'] : [])),
};
