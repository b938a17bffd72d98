// Mixture of experts: GroupedMatMul (forward, dx and the weight gradient through its gradient) over
// uneven groups (empty ones, one-row ones, groups crossing a device tile, rows left after the last
// group), both weight layouts, and ExpertRouting's top-k with the counting sort (ties, many experts,
// more slots than one device block sorts at once). The bf16 cases check the tensor-core path.
import { ExpertRouting, GroupedMatMul, GroupedMatMulWeightGrad } from '../kernel-names.js';
import { expertRouting } from '../ops/expert-routing.js';
import { groupedMatMul } from '../ops/grouped-mat-mul.js';
import { tf } from '../tf.js';
import { f32, f32In, values } from './case-inputs.js';
import { DEVICE_BACKENDS, DEVICE_SIZED, type ConformanceCase } from './conformance-case.js';
import { uniform } from './random-inputs.js';

const GROUPED = [GroupedMatMul, GroupedMatMulWeightGrad];
const MATMUL_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };
/**
 * fp32 sums of ~1,000 products (the weight gradient over a group's rows) in another order than the
 * float64 reference: errors follow the size of the result (on an H100: 2.6e-5 on an element of 0.13
 * whose tensor's rms is ~30), so the absolute part scales with the rms.
 */
const LONG_SUM_TOLERANCE = { rtol: 1e-4, atol: 2e-5, atolOfRms: true };
const BF16_TOLERANCE = { rtol: 2e-2, atol: 5e-2, atolOfRms: true };
const BF16_ONLY = {
  backends: DEVICE_BACKENDS,
  reason:
    "checks the bf16 tensor-core path (matmulPrecision 'bf16'); a backend without it computes in float32, " +
    'which the float32 cases check at tighter tolerances',
};

const sizes = (s: number[]) => values([s.length], 'int32', s);

const routing = (p: tf.Tensor, k: number) => {
  const r = expertRouting(p as tf.Tensor2D, k);
  return [r.experts, r.groupSizes, r.tokenOfPosition, r.positionOfSlot];
};

/** Probabilities [rows, experts] with a few exact ties (row 1: all equal; row 2: two equal maxima). */
function probsWithTies(rows: number, experts: number, seed: number) {
  const p = uniform(rows * experts, seed, 0, 1);
  for (let e = 0; e < experts; e++) p[experts + e] = 0.25;
  p[2 * experts + 1] = 2;
  p[2 * experts + 3] = 2;
  return values([rows, experts], 'float32', p);
}

export const moeCases = (): ConformanceCase[] => [
  {
    name: 'GroupedMatMul [E, out, in] weights: sizes 9, 0, 20, 5 over 37 rows (3 rows left as 0)',
    kernels: GROUPED,
    inputs: () => [f32([37, 40], 600), f32([4, 24, 40], 601, 0.2), sizes([9, 0, 20, 5])],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D),
    gradOf: [0, 1],
    tolerance: MATMUL_TOLERANCE,
  },
  {
    name: 'GroupedMatMul [E, in, out] weights, odd sizes (in 37, out 19), a one-row group',
    kernels: GROUPED,
    inputs: () => [f32([30, 37], 602), f32([3, 37, 19], 603, 0.2), sizes([1, 17, 12])],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D, false),
    gradOf: [0, 1],
    tolerance: MATMUL_TOLERANCE,
  },
  {
    name: 'GroupedMatMul groups across device tiles: 300 rows in 130, 0, 1, 150 (in 72, out 130)',
    kernels: GROUPED,
    inputs: () => [f32([300, 72], 604), f32([4, 130, 72], 605, 0.2), sizes([130, 0, 1, 150])],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D),
    gradOf: [0, 1],
    tolerance: MATMUL_TOLERANCE,
  },
  {
    name: 'ExpertRouting top-2 of 8 with ties, 50 tokens',
    kernels: [ExpertRouting],
    inputs: () => [probsWithTies(50, 8, 606)],
    run: (p) => routing(p!, 2),
  },
  {
    name: 'ExpertRouting top-8 of 128 (Qwen3-MoE), 300 tokens: 2,400 slots; top-1 of 3',
    kernels: [ExpertRouting],
    inputs: () => [f32In([300, 128], 607, 0, 1), probsWithTies(9, 3, 608)],
    run: (p, q) => [...routing(p!, 8), ...routing(q!, 1)],
  },
  {
    name: 'GroupedMatMul at training size: 4,096 rows in 8 groups, [8, 1024, 512] weights',
    onlyOn: DEVICE_SIZED,
    kernels: GROUPED,
    inputs: () => [
      f32([4096, 512], 609),
      f32([8, 1024, 512], 610, 0.05),
      sizes([700, 300, 0, 1200, 513, 383, 1000, 0]),
    ],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D),
    gradOf: [0, 1],
    tolerance: LONG_SUM_TOLERANCE,
  },
  ...[true, false].map((transposeWeight): ConformanceCase => ({
    name: `GroupedMatMul bf16 tensor cores, ${transposeWeight ? '[E, out, in]' : '[E, in, out]'}: 1,000 rows in 130, 0, 1, 500, 369 (in 256, out 200)`,
    onlyOn: BF16_ONLY,
    kernels: GROUPED,
    inputs: () => [
      f32([1000, 256], 611),
      f32(transposeWeight ? [5, 200, 256] : [5, 256, 200], 612, 0.1),
      sizes([130, 0, 1, 500, 369]),
    ],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D, transposeWeight),
    gradOf: [0, 1],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  })),
  {
    name: 'GroupedMatMul bf16 tensor cores, unaligned sizes (in 37, out 19) and rows left after the groups',
    onlyOn: BF16_ONLY,
    kernels: GROUPED,
    inputs: () => [f32([90, 37], 613), f32([3, 19, 37], 614, 0.2), sizes([40, 0, 45])],
    run: (x, w, g) => groupedMatMul(x as tf.Tensor2D, w as tf.Tensor3D, g as tf.Tensor1D),
    gradOf: [0, 1],
    tolerance: BF16_TOLERANCE,
    matmulPrecision: 'bf16',
  },
];
