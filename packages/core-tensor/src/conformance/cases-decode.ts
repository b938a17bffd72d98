// Decoding shapes of the fused ops: a few query rows per sequence over a KV cache (Attention with
// queryOffset, masked cache columns on the left, GQA, sliding window, segments) and RmsNorm over a few
// rows. Device backends give these their own kernels (cuda: attention_decode_forward, whose warps
// split the keys in chunks of 32, and rms_norm_forward_vec4); the key counts are not multiples of 32.
import { Attention, AttentionGrad, RmsNorm, RmsNormGrad } from '../kernel-names.js';
import { attention } from '../ops/attention.js';
import { rmsNorm } from '../ops/rms-norm.js';
import type { tf } from '../tf.js';
import { f32, values } from './case-inputs.js';
import { DEVICE_BACKENDS, type CaseInput, type ConformanceCase } from './conformance-case.js';

const ATTENTION_TOLERANCE = { rtol: 1e-4, atol: 5e-5 };

/** Key mask [batch, s]: row b hides its first hidden[b] columns (an empty cache slot's left part). */
function leftPadded(s: number, hidden: number[]): CaseInput {
  return values(
    [hidden.length, s],
    'int32',
    hidden.flatMap((h) => Array.from({ length: s }, (_, j) => (j < h ? 0 : 1))),
  );
}

/** `input` with NaN in the key rows [b * s + j] that `mask` hides. */
function poisonHidden(input: CaseInput, mask: CaseInput): CaseInput {
  const width = input.shape[1]!;
  const out = Float32Array.from(input.values);
  mask.values.forEach((m, row) => {
    if (m === 0) out.fill(NaN, row * width, (row + 1) * width);
  });
  return { ...input, values: out };
}

function decodeAttentionCases(): ConformanceCase[] {
  // The Qwen2.5-0.5B decoding shape (14 heads / 2 kv, head dim 64), one query per sequence at the
  // cache's last column; sequence 1 hides more than a whole 32-key chunk, sequence 2 sees no key.
  const s = 203;
  const mask = leftPadded(s, [57, 140, s]);
  const oneQuery = () => [f32([3, 14 * 64], 400), f32([3 * s, 128], 401), f32([3 * s, 128], 402, 0.5), mask];
  // 4 heads / 1 kv, head dim 200 (the widest lane share), 2 queries, window 40, packed segments.
  const s2 = 77;
  const segments = values(
    [2, s2],
    'int32',
    Array.from({ length: 2 * s2 }, (_, i) => (i % s2 < 30 ? 1 : i % s2 < 61 ? 2 : 3) + (i >= s2 ? 10 : 0)),
  );
  return [
    {
      name: 'Attention decoding: 1 query over 203 keys, 14 heads / 2 kv, head dim 64, left-masked cache',
      kernels: [Attention, AttentionGrad],
      inputs: oneQuery,
      run: (q, k, v, m) =>
        attention(q!, k!, v!, { numHeads: 14, numKvHeads: 2, attentionMask: m, queryOffset: s - 1 }),
      gradOf: [0, 1, 2],
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      name: 'Attention decoding: NaN in the hidden cache rows is never read',
      onlyOn: {
        backends: DEVICE_BACKENDS,
        reason: "wasm's blocked kernel multiplies hidden keys' values by probability 0, and 0 * NaN is NaN",
      },
      kernels: [Attention],
      inputs: () => {
        const [q, k, v, m] = oneQuery();
        return [q!, poisonHidden(k!, m!), poisonHidden(v!, m!), m!];
      },
      run: (q, k, v, m) =>
        attention(q!, k!, v!, { numHeads: 14, numKvHeads: 2, attentionMask: m, queryOffset: s - 1 }),
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      name: 'Attention decoding: 2 queries, 4 heads / 1 kv, head dim 200, sliding window 40, segments',
      kernels: [Attention, AttentionGrad],
      inputs: () => [f32([4, 800], 403), f32([2 * s2, 200], 404), f32([2 * s2, 200], 405), segments],
      run: (q, k, v, seg) => [
        attention(q!, k!, v!, {
          numHeads: 4,
          numKvHeads: 1,
          batch: 2,
          queryOffset: s2 - 2,
          slidingWindow: 40,
        }),
        attention(q!, k!, v!, { numHeads: 4, numKvHeads: 1, segmentIds: seg, queryOffset: s2 - 2 }),
      ],
      gradOf: [0, 1, 2],
      tolerance: ATTENTION_TOLERANCE,
    },
    {
      // 600 keys: more 32-key chunks than a block has warps, so warps rescale across chunks; head dim 50
      // (rows not float4-aligned) takes the scalar loads.
      name: 'Attention decoding: 3 queries over 600 keys, 6 heads / 3 kv, head dim 50',
      kernels: [Attention, AttentionGrad],
      inputs: () => [f32([3, 300], 406), f32([600, 150], 407), f32([600, 150], 408)],
      run: (q, k, v) => attention(q!, k!, v!, { numHeads: 6, numKvHeads: 3, batch: 1, queryOffset: 597 }),
      gradOf: [0, 1, 2],
      tolerance: ATTENTION_TOLERANCE,
    },
  ];
}

export const decodeCases = (): ConformanceCase[] => [
  ...decodeAttentionCases(),
  {
    // 4100 = 1025 float4: more than a 512-thread block's one each.
    name: 'RmsNorm decoding rows [1, 896] and [3, 4100]',
    kernels: [RmsNorm, RmsNormGrad],
    inputs: () => [
      f32([1, 896], 409, 2),
      f32([896], 410, 0.2, 1),
      f32([3, 4100], 411),
      f32([4100], 412, 0.2, 1),
    ],
    run: (x, w, x2, w2) => [rmsNorm(x!, w as tf.Tensor1D, 1e-6), rmsNorm(x2!, w2 as tf.Tensor1D, 1e-5)],
    gradOf: [0, 1, 2, 3],
    tolerance: { rtol: 1e-4, atol: 1e-5 },
  },
];
