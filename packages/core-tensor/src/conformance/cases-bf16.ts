// The tensor-core paths the bf16 matmul precision selects: cuBLASLt with bf16 products, and the tiled
// attention kernels (csrc/FlashAttention.cu) with their masks, grouped heads, tile edges and both
// head dims. The cpu reference computes in float32, so the tolerance is that of bf16 operands
// (8 significant bits) with fp32 accumulation, measured against the size of each result tensor (its
// rms): a wrong index, mask or scale gives errors of the order of that size.
import {
  Attention,
  AttentionGrad,
  Dequantize4bit,
  Dequantize4bitNested,
  DequantizeInt8,
  LoraLinear,
  LoraLinearGrad,
  RoundToBf16,
  WriteCacheRows,
} from '../kernel-names.js';
import { attention } from '../ops/attention.js';
import { dequantize4bit } from '../ops/dequantize-4bit.js';
import { dequantizeInt8 } from '../ops/dequantize-int8.js';
import { linearCrossEntropy } from '../ops/linear-cross-entropy.js';
import { loraLinear } from '../ops/lora-linear.js';
import { roundToBf16 } from '../ops/round-to-bf16.js';
import { writeCacheRows } from '../ops/write-cache-rows.js';
import { Generator } from '../random/generator.js';
import { tf } from '../tf.js';
import { f32, i32, values } from './case-inputs.js';
import { DEVICE_BACKENDS, type ConformanceCase } from './conformance-case.js';

const BF16_TOLERANCE = { rtol: 2e-2, atol: 5e-2, atolOfRms: true };
/** Values both sides round to bf16 the same way: bit-exact. */
const EXACT = { rtol: 0, atol: 0 };
/**
 * Attention also rounds its probabilities to bf16 before P V, and its score gradient dS = P (dP - D)
 * cancels: its worst elements reach ~5 % of the rms on an H200 (a wrong mask or index: ~100 %).
 */
const ATTENTION_BF16_TOLERANCE = { rtol: 2e-2, atol: 0.1, atolOfRms: true };

/** A [batch, seq] mask with `pad` left-padding keys in row 1 (row 0 unpadded). */
function leftPadding(batch: number, seq: number, pad: number) {
  const m = new Int32Array(batch * seq).fill(1);
  for (let j = 0; j < pad; j++) m[seq + j] = 0;
  return values([batch, seq], 'int32', m);
}

/** Packed segments of lengths 37, 50, rest in each row. */
function segments(batch: number, seq: number) {
  const ids = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++)
    for (let j = 0; j < seq; j++) ids[b * seq + j] = j < 37 ? 1 : j < 87 ? 2 : 3;
  return values([batch, seq], 'int32', ids);
}

/** The bf16 paths are the device backends'. */
const BF16_BACKENDS = {
  backends: DEVICE_BACKENDS,
  reason:
    "checks the bf16 tensor-core paths (matmulPrecision 'bf16'); a backend without them computes in " +
    'float32, which the other groups check at tighter tolerances',
};

export const bf16Cases = (): ConformanceCase[] =>
  bf16PathCases().map((c) => ({ ...c, onlyOn: BF16_BACKENDS }));

/** Random int32 words: every byte and nibble value. */
const words = (count: number, seed: number) => i32([count], seed, -(2 ** 31), 2 ** 31 - 1);

/** A [96, 130] weight's NF4 codes, absmax (plain and nested), int8 codes and SCB, and x [21, 130]. */
function dequantizedOperandInputs() {
  const n = 96 * 130;
  const blocks = Math.ceil(n / 64);
  return [
    words(Math.ceil(n / 8), 426),
    f32([blocks], 427, 0.05),
    f32([16], 428, 0.5),
    words(Math.ceil(blocks / 4), 429),
    f32([256], 430, 0.5),
    f32([1], 431, 0.05),
    words(Math.ceil(n / 4), 432),
    f32([96], 433, 0.3),
    f32([21, 130], 434),
  ];
}

/** The three weights of dequantizedOperandInputs, dequantised as matmul operands. */
function dequantizedOperands(xs: tf.Tensor[]): tf.Tensor2D[] {
  const [p, a, c, codes, code8, nested, q, scb] = xs as tf.Tensor1D[];
  const shape: [number, number] = [96, 130];
  const options = { shape, blocksize: 64, matmulOperand: true };
  const nestedAbsmax = { codes: codes!, code: code8!, absmax: nested!, blocksize: 256, offset: 0.02 };
  return [
    dequantize4bit(p!, a!, c!, { ...options, dtype: 'float16' }) as tf.Tensor2D,
    dequantize4bit(p!, nestedAbsmax, c!, { ...options, dtype: 'bfloat16' }) as tf.Tensor2D,
    dequantizeInt8(q!, scb!, shape, { matmulOperand: true }),
  ];
}

const bf16PathCases = (): ConformanceCase[] => [
  {
    // Dequantised operands freed in turn (their bf16 memory reused by the next) and three alive at once.
    name: 'Dequantised matmul operands in turn and three at once',
    kernels: [Dequantize4bit, Dequantize4bitNested, DequantizeInt8, 'BatchMatMul'],
    inputs: dequantizedOperandInputs,
    run: (...xs) => {
      const products = (ws: tf.Tensor2D[]) => ws.map((w) => tf.matMul(xs[8]!, w, false, true));
      const out: tf.Tensor[] = [];
      for (const w of dequantizedOperands(xs)) {
        out.push(...products([w]));
        w.dispose();
      }
      return [...out, ...products(dequantizedOperands(xs))];
    },
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    // QLoRA's fused layer (peft's quantizedLoraLinear): LoraLinear and LoraLinearGrad read a weight
    // dequantised straight to bf16, with dropout.
    name: 'LoraLinear (+Grad) over a dequantised matmul-operand weight, dropout 0.1',
    kernels: [LoraLinear, LoraLinearGrad, Dequantize4bitNested],
    inputs: () => [...dequantizedOperandInputs(), f32([4, 130], 435, 0.1), f32([96, 4], 436, 0.1)],
    run: (...xs) => {
      const w = dequantizedOperands(xs)[1]!;
      return loraLinear(xs[8] as tf.Tensor2D, w, xs[9] as tf.Tensor2D, xs[10] as tf.Tensor2D, {
        scale: 2,
        dropout: { rate: 0.1, rng: new Generator(13) },
      });
    },
    gradOf: [8, 9, 10],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    // QLoRA's frozen head and embeddings: cuda keeps only the bf16 values, which the matmuls (forward,
    // dx) and the chunked cross-entropy read without a float32 copy.
    name: 'BatchMatMul and linearCrossEntropy over a bf16-stored weight (RoundToBf16), with dx',
    kernels: [RoundToBf16, 'BatchMatMul'],
    inputs: () => [f32([37, 96], 423), f32([150, 96], 424, 0.1), i32([37], 425, 0, 150)],
    run: (x, w, labels) => {
      const head = roundToBf16(w!);
      return [
        tf.matMul(x!, head, false, true),
        tf.matMul(tf.matMul(x!, head, false, true), head),
        linearCrossEntropy(x!, head, labels!),
      ];
    },
    gradOf: [0],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    // A quantised linear layer's transient weight: in 'bf16' precision cuda writes the bf16 values
    // straight from the codes (no float32 buffer). Rounded again to bf16 they equal the reference's
    // float32 values rounded to bf16, bit for bit.
    name: 'Dequantize4bit(Nested) and DequantizeInt8 as matmul operands in bf16: the values',
    kernels: [Dequantize4bit, Dequantize4bitNested, DequantizeInt8, RoundToBf16],
    inputs: dequantizedOperandInputs,
    run: (...xs) => dequantizedOperands(xs).map((w) => roundToBf16(w)),
    tolerance: EXACT,
    matmulPrecision: 'bf16',
  },
  {
    name: 'Dequantize4bit(Nested) and DequantizeInt8 as matmul operands in bf16: x W^T and dy W',
    kernels: [Dequantize4bit, Dequantize4bitNested, DequantizeInt8, 'BatchMatMul'],
    inputs: dequantizedOperandInputs,
    run: (...xs) =>
      dequantizedOperands(xs).flatMap((w) => {
        const y = tf.matMul(xs[8]!, w, false, true);
        return [y, tf.matMul(y, w)];
      }),
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    // A matmul keeps a bf16 copy of what it reads; WriteCacheRows changes the cache in place, so it
    // must drop that copy, or the second product would still see the old rows (~rms off in 4 rows).
    name: 'WriteCacheRows drops the bf16 copy a matmul made of the cache',
    kernels: [WriteCacheRows, 'BatchMatMul'],
    inputs: () => [
      f32([16, 32], 420),
      f32([32, 24], 421),
      f32([4, 32], 422),
      values([4], 'int32', [1, 6, 9, 15]),
    ],
    run: (x, w, r, i) => {
      const cache = tf.add(x!, 0) as tf.Tensor2D;
      const before = tf.matMul(cache, w!);
      const written = writeCacheRows(cache, r as tf.Tensor2D, i as tf.Tensor1D);
      return [before, tf.matMul(written, w!)];
    },
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    name: 'BatchMatMul bf16 products, transposes, a batch, odd-sized batch strides (2-byte aligned)',
    kernels: ['BatchMatMul'],
    inputs: () => [
      f32([3, 70, 96], 400),
      f32([3, 130, 96], 401),
      f32([96, 50], 402),
      f32([3, 7, 5], 408),
      f32([3, 5, 9], 409),
    ],
    run: (a, b, c, d, e) => [
      tf.matMul(a!, b!, false, true),
      tf.matMul(tf.reshape(a!, [210, 96]), c!),
      tf.matMul(c!, tf.reshape(b!, [390, 96]), true, true),
      tf.matMul(d!, e!),
    ],
    gradOf: [0, 1, 2, 3, 4],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    name: 'LoraLinear bf16 GEMMs with bias epilogue, folded scale and accumulation; dropout and none',
    kernels: [LoraLinear, LoraLinearGrad],
    inputs: () => [
      f32([37, 96], 403),
      f32([80, 96], 404, 0.1),
      f32([8, 96], 405, 0.1),
      f32([80, 8], 406, 0.1),
      f32([80], 407, 0.1),
    ],
    run: (x, w, a, b, bias) => [
      loraLinear(x as tf.Tensor2D, w as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, {
        bias: bias as tf.Tensor1D,
        scale: 2,
        dropout: { rate: 0.1, rng: new Generator(12) },
      }),
      loraLinear(x as tf.Tensor2D, w as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, { scale: 4 }),
    ],
    gradOf: [0, 1, 2, 3, 4],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    // Odd rank and widths: K = in + r and out + r padded to a multiple of 8 when cuda folds the rank-r
    // products into the base GEMM (MEDGPT_CUDA_LORA_CONCAT=1); a wide output (out + r >= 2 in) and a narrow one.
    name: 'LoraLinear bf16, rank 3, odd widths: wide and narrow outputs',
    kernels: [LoraLinear, LoraLinearGrad],
    inputs: () => [
      f32([29, 42], 413),
      f32([91, 42], 414, 0.1),
      f32([3, 42], 415, 0.1),
      f32([91, 3], 416, 0.1),
      f32([21, 42], 417, 0.1),
      f32([21, 3], 418, 0.1),
      f32([21], 419, 0.1),
    ],
    run: (x, wWide, a, bWide, wNarrow, bNarrow, bias) => [
      loraLinear(x as tf.Tensor2D, wWide as tf.Tensor2D, a as tf.Tensor2D, bWide as tf.Tensor2D, {
        scale: 1.5,
      }),
      loraLinear(x as tf.Tensor2D, wNarrow as tf.Tensor2D, a as tf.Tensor2D, bNarrow as tf.Tensor2D, {
        bias: bias as tf.Tensor1D,
        scale: 0.75,
      }),
    ],
    gradOf: [0, 1, 2, 3, 4, 5, 6],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    name: 'Attention tiled (bf16): head dim 64, 4 heads / 2 kv, T=80 (tile edge), left padding',
    kernels: [Attention, AttentionGrad],
    inputs: () => [f32([160, 256], 410), f32([160, 128], 411), f32([160, 128], 412), leftPadding(2, 80, 9)],
    run: (q, k, v, m) => attention(q!, k!, v!, { numHeads: 4, numKvHeads: 2, attentionMask: m }),
    gradOf: [0, 1, 2],
    tolerance: ATTENTION_BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    name: 'Attention tiled (bf16): head dim 128, 2 heads / 1 kv, T=150, sliding window 29, packed segments',
    kernels: [Attention, AttentionGrad],
    inputs: () => [f32([300, 256], 413), f32([300, 128], 414), f32([300, 128], 415), segments(2, 150)],
    run: (q, k, v, seg) => [
      attention(q!, k!, v!, { numHeads: 2, numKvHeads: 1, batch: 2, slidingWindow: 29 }),
      attention(q!, k!, v!, { numHeads: 2, numKvHeads: 1, segmentIds: seg }),
    ],
    gradOf: [0, 1, 2],
    tolerance: ATTENTION_BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
  {
    name: 'Attention tiled (bf16): head dim 64, no grouping, T=200, KV-cache form (40 queries after 160)',
    kernels: [Attention, AttentionGrad],
    inputs: () => [f32([200, 128], 416), f32([200, 128], 417), f32([200, 128], 418), f32([40, 128], 419)],
    run: (q, k, v, qTail) => [
      attention(q!, k!, v!, { numHeads: 2, batch: 1 }),
      attention(qTail!, k!, v!, { numHeads: 2, batch: 1, queryOffset: 160 }),
    ],
    gradOf: [0, 1, 2, 3],
    tolerance: ATTENTION_BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
];
