// core-tensor's fused ops (forward and backward kernels): RmsNorm, Rope, Swiglu, Attention,
// CrossEntropy, TokenLogprobs, linearCrossEntropy (chunked, AddN), and the optimizer kernels.
import {
  AdamWUpdate,
  Attention,
  AttentionGrad,
  CrossEntropy,
  CrossEntropyGrad,
  Dequantize4bit,
  Dequantize4bitNested,
  DequantizeInt8,
  LoraLinear,
  LoraLinearGrad,
  multiTensorAdamWInputs,
  MultiTensorAdamWUpdate,
  PhiloxDropout,
  PhiloxRandom,
  RmsNorm,
  RoundToBf16,
  RmsNormGrad,
  Rope,
  RopeGrad,
  SgdUpdate,
  Swiglu,
  SwigluGrad,
  TokenLogprobs,
  TokenLogprobsGrad,
  type MultiTensorAdamWUpdateAttrs,
} from '../kernel-names.js';
import { attention } from '../ops/attention.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { dequantize4bit } from '../ops/dequantize-4bit.js';
import { dequantizeInt8 } from '../ops/dequantize-int8.js';
import { linearCrossEntropy } from '../ops/linear-cross-entropy.js';
import { loraLinear } from '../ops/lora-linear.js';
import { rmsNorm } from '../ops/rms-norm.js';
import { roundToBf16 } from '../ops/round-to-bf16.js';
import { ropeFrequencies } from '../ops/rope-frequencies.js';
import { rope } from '../ops/rope.js';
import { swiglu } from '../ops/swiglu.js';
import { tokenLogprobs } from '../ops/token-logprobs.js';
import { dropout } from '../random/dropout.js';
import { Generator } from '../random/generator.js';
import { randomNormal } from '../random/random-tensor.js';
import { tf } from '../tf.js';
import { f32, i32, values } from './case-inputs.js';
import { DEVICE_SIZED, type ConformanceCase } from './conformance-case.js';
import { integers } from './random-inputs.js';

const FUSED_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };
/** The attention backward accumulates dk/dv with float atomics in a different order. */
const ATTENTION_TOLERANCE = { rtol: 1e-4, atol: 5e-5 };

/** Labels in [0, vocab) with some rows set to ignoreIndex (-100). */
function labels(rows: number, vocab: number, seed: number, ignoreEvery = 5) {
  const ids = integers(rows, seed, 0, vocab);
  for (let i = 0; i < rows; i += ignoreEvery) ids[i] = -100;
  return values([rows], 'int32', ids);
}

function ropeCases(): ConformanceCase[] {
  const plain = ropeFrequencies({ headDim: 16, ropeTheta: 10000, maxPositionEmbeddings: 512 }).invFreq;
  const partial = ropeFrequencies({
    headDim: 16,
    ropeTheta: 500000,
    maxPositionEmbeddings: 512,
    partialRotaryFactor: 0.5,
  });
  return [
    {
      name: 'Rope q/k with GQA widths, positions with padding offsets',
      kernels: [Rope, RopeGrad],
      inputs: () => [f32([12, 64], 120), f32([12, 32], 121), i32([12], 122, 0, 300)],
      run: (q, k, p) =>
        rope(q as tf.Tensor2D, k as tf.Tensor2D, p as tf.Tensor1D, { headDim: 16, invFreq: plain }),
      gradOf: [0, 1],
      tolerance: FUSED_TOLERANCE,
    },
    {
      name: 'Rope partial rotary dim and attention scaling',
      kernels: [Rope, RopeGrad],
      inputs: () => [f32([9, 32], 123), f32([9, 16], 124), i32([9], 125, 0, 500)],
      run: (q, k, p) =>
        rope(q as tf.Tensor2D, k as tf.Tensor2D, p as tf.Tensor1D, {
          headDim: 16,
          invFreq: partial.invFreq,
          attentionScaling: 1.25,
        }),
      gradOf: [0, 1],
      tolerance: FUSED_TOLERANCE,
    },
  ];
}

function attentionCases(): ConformanceCase[] {
  const mask = values([2, 7], 'int32', [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  const segments = values([2, 7], 'int32', [1, 1, 1, 2, 2, 3, 3, 5, 5, 5, 5, 6, 6, 6]);
  return [
    {
      name: 'Attention causal GQA (4 heads / 2 kv), head dim 16, padding mask',
      kernels: [Attention, AttentionGrad],
      inputs: () => [f32([14, 64], 130), f32([14, 32], 131), f32([14, 32], 132), mask],
      run: (q, k, v, m) => attention(q!, k!, v!, { numHeads: 4, numKvHeads: 2, attentionMask: m }),
      gradOf: [0, 1, 2],
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      name: 'Attention sliding window 3 and packed segments, head dim 40',
      kernels: [Attention, AttentionGrad],
      inputs: () => [f32([14, 80], 133), f32([14, 80], 134), f32([14, 80], 135), segments],
      run: (q, k, v, seg) => [
        attention(q!, k!, v!, { numHeads: 2, batch: 2, slidingWindow: 3 }),
        attention(q!, k!, v!, { numHeads: 2, segmentIds: seg }),
      ],
      gradOf: [0, 1, 2],
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      name: 'Attention KV-cache form (2 new queries over 9 keys), head dim 128',
      kernels: [Attention],
      inputs: () => [f32([4, 256], 136), f32([18, 128], 137), f32([18, 128], 138)],
      run: (q, k, v) => attention(q!, k!, v!, { numHeads: 2, numKvHeads: 1, batch: 2, queryOffset: 7 }),
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      name: 'Attention longer sequence (T=96), 8 heads / 2 kv, head dim 64',
      kernels: [Attention, AttentionGrad],
      inputs: () => [f32([192, 512], 139, 0.5), f32([192, 128], 140, 0.5), f32([192, 128], 141)],
      run: (q, k, v) => attention(q!, k!, v!, { numHeads: 8, numKvHeads: 2, batch: 2 }),
      gradOf: [0, 1, 2],
      tolerance: { rtol: 1e-4, atol: 1e-4 },
    },
  ];
}

function lossCases(): ConformanceCase[] {
  return [
    {
      name: 'CrossEntropy mean with ignored rows, and sum',
      kernels: [CrossEntropy, CrossEntropyGrad],
      inputs: () => [f32([23, 300], 150, 3), labels(23, 300, 151)],
      run: (x, y) => [crossEntropy(x!, y!), crossEntropy(x!, y!, { reduction: 'sum' })],
      gradOf: [0],
      tolerance: FUSED_TOLERANCE,
    },
    {
      name: 'CrossEntropy large vocabulary (32000) and all rows ignored',
      kernels: [CrossEntropy, CrossEntropyGrad],
      inputs: () => [
        f32([6, 32000], 152, 2),
        labels(6, 32000, 153, 4),
        values([3], 'int32', [-100, -100, -100]),
      ],
      run: (x, y, none) => [crossEntropy(x!, y!), crossEntropy(tf.slice(x!, [0, 0], [3, -1]), none!)],
      gradOf: [0],
      tolerance: FUSED_TOLERANCE,
    },
    {
      name: 'TokenLogprobs with ignored rows',
      kernels: [TokenLogprobs, TokenLogprobsGrad],
      inputs: () => [f32([19, 500], 154, 2), labels(19, 500, 155, 3)],
      run: (x, y) => tokenLogprobs(x!, y!),
      gradOf: [0],
      tolerance: FUSED_TOLERANCE,
    },
    {
      name: 'linearCrossEntropy in 4 chunks (Slice, BatchMatMul, AddN, Concat)',
      kernels: [CrossEntropy, CrossEntropyGrad, 'AddN', 'BatchMatMul', 'Slice', 'Concat'],
      inputs: () => [f32([40, 32], 156), f32([96, 32], 157, 0.3), labels(40, 96, 158)],
      run: (h, w, y) => linearCrossEntropy(h!, w!, y!, { chunkSize: 11 }),
      gradOf: [0, 1],
      tolerance: FUSED_TOLERANCE,
    },
  ];
}

/** fp32 GEMMs (cuBLASLt, another summation order) around the elementwise parts. */
const LORA_TOLERANCE = { rtol: 1e-4, atol: 1e-4 };

function loraCases(): ConformanceCase[] {
  return [
    {
      name: 'LoraLinear with bias and dropout 0.1 (Philox mask), scale 2',
      kernels: [LoraLinear, LoraLinearGrad],
      inputs: () => [
        f32([37, 96], 180),
        f32([80, 96], 181, 0.1),
        f32([8, 96], 182, 0.1),
        f32([80, 8], 183, 0.1),
        f32([80], 184, 0.1),
      ],
      // The generator is made inside run so each backend (and the gradient pass) sees the same mask.
      run: (x, w, a, b, bias) =>
        loraLinear(x as tf.Tensor2D, w as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, {
          bias: bias as tf.Tensor1D,
          scale: 2,
          dropout: { rate: 0.1, rng: new Generator(11) },
        }),
      gradOf: [0, 1, 2, 3, 4],
      tolerance: LORA_TOLERANCE,
    },
    {
      name: 'LoraLinear without bias or dropout, rsLoRA scale, r 16',
      kernels: [LoraLinear, LoraLinearGrad],
      inputs: () => [
        f32([64, 256], 185),
        f32([192, 256], 186, 0.05),
        f32([16, 256], 187, 0.05),
        f32([192, 16], 188, 0.05),
      ],
      run: (x, w, a, b) =>
        loraLinear(x as tf.Tensor2D, w as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, {
          scale: 32 / Math.sqrt(16),
        }),
      gradOf: [0, 2, 3],
      tolerance: LORA_TOLERANCE,
    },
  ];
}

/** Bit-exact: each element is one float32 product (and a rounding), the same on both backends. */
const EXACT = { rtol: 0, atol: 0 };

function dequantizeCases(): ConformanceCase[] {
  // Random words cover every byte and nibble; 4099 x 33 elements leave a partial last block and word.
  const [rows, cols] = [4099, 33];
  const n = rows * cols;
  const words = (count: number, seed: number) => i32([count], seed, -(2 ** 31), 2 ** 31 - 1);
  return (['float32', 'bfloat16', 'float16'] as const)
    .map((dtype, k): ConformanceCase => ({
      name: `Dequantize4bit [${rows}, ${cols}], blocksize 64, rounded to ${dtype}`,
      kernels: [Dequantize4bit],
      inputs: () => [
        words(Math.ceil(n / 8), 190 + k),
        f32([Math.ceil(n / 64)], 193 + k, 0.05),
        f32([16], 196, 0.5),
      ],
      run: (p, a, c) =>
        dequantize4bit(p as tf.Tensor1D, a as tf.Tensor1D, c as tf.Tensor1D, {
          shape: [rows, cols],
          blocksize: 64,
          dtype,
        }),
      tolerance: EXACT,
    }))
    .concat([
      {
        name: `Dequantize4bitNested [${rows}, ${cols}] (double-quantised absmax), rounded to bfloat16`,
        kernels: [Dequantize4bitNested],
        inputs: () => {
          const blocks = Math.ceil(n / 64);
          return [
            words(Math.ceil(n / 8), 199),
            words(Math.ceil(blocks / 4), 200),
            f32([256], 201, 0.5),
            f32([Math.ceil(blocks / 256)], 202, 0.05),
            f32([16], 196, 0.5),
          ];
        },
        run: (p, codes, code8, nested, c) =>
          dequantize4bit(
            p as tf.Tensor1D,
            {
              codes: codes as tf.Tensor1D,
              code: code8 as tf.Tensor1D,
              absmax: nested as tf.Tensor1D,
              blocksize: 256,
              offset: 0.0375,
            },
            c as tf.Tensor1D,
            { shape: [rows, cols], blocksize: 64, dtype: 'bfloat16' },
          ),
        tolerance: EXACT,
      },
      {
        name: `DequantizeInt8 [${rows}, ${cols}] (signed codes, per-row SCB)`,
        kernels: [DequantizeInt8],
        inputs: () => [words(Math.ceil(n / 4), 197), f32([rows], 198, 0.3)],
        run: (p, s) => dequantizeInt8(p as tf.Tensor1D, s as tf.Tensor1D, [rows, cols]),
        tolerance: EXACT,
      },
      {
        // In fp32 precision (the cases' default) the matmul-operand hint changes nothing.
        name: `Dequantize4bit and DequantizeInt8 marked matmul operands, fp32 precision: float32 values`,
        kernels: [Dequantize4bit, DequantizeInt8],
        inputs: () => [
          words(Math.ceil(n / 8), 203),
          f32([Math.ceil(n / 64)], 204, 0.05),
          f32([16], 196, 0.5),
          words(Math.ceil(n / 4), 205),
          f32([rows], 206, 0.3),
        ],
        run: (p, a, c, q, s) => [
          dequantize4bit(p as tf.Tensor1D, a as tf.Tensor1D, c as tf.Tensor1D, {
            shape: [rows, cols],
            blocksize: 64,
            matmulOperand: true,
          }),
          dequantizeInt8(q as tf.Tensor1D, s as tf.Tensor1D, [rows, cols], { matmulOperand: true }),
        ],
        tolerance: EXACT,
      },
    ]);
}

/** Values around bf16's rounding points: ties (to even, both ways), just above/below, tiny, huge, +-0. */
function bf16EdgeValues(): number[] {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const fromBits = (bits: number) => ((u[0] = bits >>> 0), f[0]!);
  const out: number[] = [0, -0, 1, -1, 3.4e38, -3.4e38, 1e-40, -1e-40, 65504, 1 / 3];
  for (const hi of [0x3f80, 0x3f81, 0xbf80, 0xbf81, 0x4049, 0x0001, 0x7f7f])
    for (const lo of [0x7fff, 0x8000, 0x8001, 0x0001, 0xffff]) out.push(fromBits((hi << 16) | lo));
  return out;
}

/**
 * RoundToBf16, and the kernels that read a bf16-stored tensor (cuda keeps only its 2-byte values):
 * the gather of an embedding lookup, reading it back, an elementwise kernel (which gets a float32
 * copy) and a second rounding (an alias on cuda), all exact.
 */
function roundToBf16Cases(): ConformanceCase[] {
  const edges = bf16EdgeValues();
  return [
    {
      name: `RoundToBf16: ties to even, near-ties, subnormals, overflow to Inf (${edges.length} values)`,
      kernels: [RoundToBf16],
      inputs: () => [values([edges.length], 'float32', edges)],
      run: (x) => roundToBf16(x!),
      tolerance: EXACT,
    },
    {
      name: 'RoundToBf16 [517, 96] stored, then gathered by rows, read by Mul, rounded again',
      kernels: [RoundToBf16, 'GatherV2', 'Multiply'],
      inputs: () => [f32([517, 96], 207), i32([301], 208, 0, 517)],
      run: (x, ids) => {
        const table = roundToBf16(x!);
        return [tf.gather(table, ids!), table, tf.mul(table, 3), roundToBf16(table)];
      },
      tolerance: EXACT,
    },
  ];
}

/** One MultiTensorAdamWUpdate over a tensor of each shape (param, grad, m, |v| from seeds seed + 4 i ...). */
function multiTensorAdamWCase(
  name: string,
  shapes: number[][],
  seed: number,
  attrs: MultiTensorAdamWUpdateAttrs,
): ConformanceCase {
  return {
    name,
    kernels: [MultiTensorAdamWUpdate],
    inputs: () =>
      shapes.flatMap((shape, i) => [
        f32(shape, seed + 4 * i),
        f32(shape, seed + 1 + 4 * i, 0.1),
        f32(shape, seed + 2 + 4 * i, 0.01),
        f32(shape, seed + 3 + 4 * i, 0.001, 0.002),
      ]),
    run: (...xs) =>
      tf.engine().runKernel(
        MultiTensorAdamWUpdate,
        multiTensorAdamWInputs(
          shapes.map((_, i) => ({
            param: xs[4 * i]!,
            grad: xs[4 * i + 1]!,
            m: xs[4 * i + 2]!,
            v: tf.abs(xs[4 * i + 3]!),
          })),
        ),
        attrs,
      ) as tf.Tensor[],
    tolerance: { rtol: 1e-6, atol: 1e-7 },
  };
}

function optimizerCases(): ConformanceCase[] {
  return [
    {
      name: 'AdamWUpdate step 3 with weight decay',
      kernels: [AdamWUpdate],
      inputs: () => [
        f32([1000], 160),
        f32([1000], 161, 0.1),
        f32([1000], 162, 0.01),
        f32([1000], 163, 0.001, 0.002),
      ],
      run: (param, grad, m, v) =>
        tf.engine().runKernel(
          AdamWUpdate,
          { param: param!, grad: grad!, m: m!, v: tf.abs(v!) },
          {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weightDecay: 0.01,
            step: 3,
          },
        ) as tf.Tensor[],
      tolerance: { rtol: 1e-6, atol: 1e-7 },
    },
    multiTensorAdamWCase(
      'MultiTensorAdamWUpdate over three tensors at different steps',
      [[300], [20, 7], [1]],
      190,
      {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.01,
        steps: [1, 3, 10],
      },
    ),
    // Larger than one 64Ki-element chunk of the single launch, an exact multiple of it, and tiny.
    multiTensorAdamWCase(
      'MultiTensorAdamWUpdate over chunked tensors (140000, 65536 and 3 elements)',
      [[140000], [256, 256], [3]],
      200,
      { lr: 2e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, steps: [7, 7, 2] },
    ),
    {
      name: 'SgdUpdate with momentum and nesterov, first step and later',
      kernels: [SgdUpdate],
      inputs: () => [f32([500], 164), f32([500], 165, 0.1), f32([500], 166, 0.1)],
      run: (param, grad, buf) => {
        const attrs = { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: true };
        const first = tf.engine().runKernel(SgdUpdate, { param: param!, grad: grad! }, attrs) as tf.Tensor[];
        const later = tf
          .engine()
          .runKernel(SgdUpdate, { param: param!, grad: grad!, buf: buf! }, attrs) as tf.Tensor[];
        return [...first, ...later];
      },
      tolerance: { rtol: 1e-6, atol: 1e-7 },
    },
  ];
}

export const fusedCases = (): ConformanceCase[] => [
  {
    name: 'RmsNorm rows of 96 and of 1000',
    kernels: [RmsNorm, RmsNormGrad],
    inputs: () => [
      f32([37, 96], 170, 2),
      f32([96], 171, 0.2, 1),
      f32([5, 1000], 172),
      f32([1000], 173, 0.2, 1),
    ],
    run: (x, w, x2, w2) => [rmsNorm(x!, w as tf.Tensor1D, 1e-6), rmsNorm(x2!, w2 as tf.Tensor1D, 1e-5)],
    gradOf: [0, 1, 2, 3],
    tolerance: FUSED_TOLERANCE,
  },
  {
    name: 'RmsNorm narrow rows [3000, 5] and [600, 40]',
    kernels: [RmsNorm, RmsNormGrad],
    inputs: () => [f32([3000, 5], 330), f32([5], 331, 0.2, 1), f32([600, 40], 332), f32([40], 333, 0.2, 1)],
    run: (x, w, x2, w2) => [rmsNorm(x!, w as tf.Tensor1D, 1e-6), rmsNorm(x2!, w2 as tf.Tensor1D, 1e-6)],
    gradOf: [0, 1, 2, 3],
    tolerance: FUSED_TOLERANCE,
  },
  {
    name: 'RmsNorm at training size [8192, 896] (weight gradient over 8192 rows)',
    onlyOn: DEVICE_SIZED,
    kernels: [RmsNorm, RmsNormGrad],
    inputs: () => [f32([8192, 896], 334, 2), f32([896], 335, 0.2, 1)],
    run: (x, w) => rmsNorm(x!, w as tf.Tensor1D, 1e-6),
    gradOf: [0, 1],
    tolerance: FUSED_TOLERANCE,
  },
  ...ropeCases(),
  {
    name: 'Swiglu',
    kernels: [Swiglu, SwigluGrad],
    inputs: () => [f32([31, 50], 174, 3), f32([31, 50], 175)],
    run: (g, u) => swiglu(g!, u!),
    gradOf: [0, 1],
    tolerance: { rtol: 1e-5, atol: 1e-6 },
  },
  ...attentionCases(),
  ...lossCases(),
  ...loraCases(),
  ...dequantizeCases(),
  ...roundToBf16Cases(),
  ...optimizerCases(),
  {
    // 1003 elements: a partial last Philox block; the generator is advanced first, so the stream
    // starts at a nonzero block offset. Same mask to the bit (the values are x * 1 / (1 - rate)).
    name: 'PhiloxDropout: device mask equals the host reference, and its gradient',
    kernels: [PhiloxDropout],
    inputs: () => [f32([17, 59], 176)],
    run: (x) => {
      const rng = new Generator(21);
      rng.reserve(12345);
      return dropout(x!, 0.3, rng);
    },
    gradOf: [0],
    tolerance: { rtol: 0, atol: 0 },
  },
  {
    name: 'PhiloxRandom (host fallback) gives the same numbers',
    kernels: [PhiloxRandom],
    inputs: () => [],
    run: () => randomNormal([3, 50], new Generator(7), 0.5, 2),
  },
];
