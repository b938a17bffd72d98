// Reductions and BatchMatMul.
import { tf } from '../tf.js';
import { bool, f32, i32, values } from './case-inputs.js';
import { DEVICE_SIZED, type ConformanceCase } from './conformance-case.js';

const SUM_TOLERANCE = { rtol: 1e-5, atol: 1e-5 };
/** fp32 GEMMs accumulate in a different order than the cpu backend. */
const MATMUL_TOLERANCE = { rtol: 1e-4, atol: 1e-4 };

export const reduceCases = (): ConformanceCase[] => [
  {
    name: 'Sum over axis 0 (bias gradient), axis 1, all, keepDims',
    kernels: ['Sum'],
    inputs: () => [f32([300, 40], 90)],
    run: (x) => [tf.sum(x, 0), tf.sum(x, 1), tf.sum(x), tf.sum(x, 1, true)],
    gradOf: [0],
    tolerance: SUM_TOLERANCE,
  },
  {
    name: 'Sum over non-contiguous axes [0,2] and a long row',
    kernels: ['Sum', 'Transpose'],
    inputs: () => [f32([4, 5, 6], 91), f32([3, 70000], 92)],
    run: (x, long) => [tf.sum(x!, [0, 2]), tf.sum(long!, 1)],
    tolerance: SUM_TOLERANCE,
  },
  {
    name: 'Sum over axis 0 at training size (bias gradients of [8192,896] and [4096,128])',
    onlyOn: DEVICE_SIZED,
    kernels: ['Sum'],
    inputs: () => [f32([8192, 896], 320), f32([4096, 128], 321)],
    run: (x, k) => [tf.sum(x!, 0), tf.sum(k!, 0)],
    tolerance: SUM_TOLERANCE,
  },
  {
    name: 'Sum and Mean over a long middle axis: narrow, wide and several slabs',
    kernels: ['Sum', 'Mean'],
    inputs: () => [f32([3, 9000, 3], 322), f32([2, 3000, 40], 323), f32([5000, 2], 324, 1, 3)],
    run: (a, b, c) => [tf.sum(a!, 1), tf.mean(b!, 1), tf.sum(c!, 0), tf.mean(c!, 0, true)],
    gradOf: [0, 1, 2],
    tolerance: SUM_TOLERANCE,
  },
  {
    name: 'Mean, Max, Min, Prod',
    kernels: ['Mean', 'Max', 'Min', 'Prod'],
    inputs: () => [f32([12, 30], 93), f32([4, 5], 94, 0.5, 1)],
    run: (x, p) => [
      tf.mean(x!, 1),
      tf.max(x!, 0),
      tf.min(x!, 1),
      tf.max(x!),
      tf.prod(p!, 1),
      tf.mean(x!, [0, 1]),
    ],
    gradOf: [0],
    tolerance: SUM_TOLERANCE,
  },
  {
    name: 'Sum, Max, Min of int32; Sum of bool; Any, All',
    kernels: ['Sum', 'Max', 'Min', 'Any', 'All'],
    inputs: () => [i32([9, 11], 95, -100, 100), bool([9, 11], 96)],
    run: (n, b) => [tf.sum(n!, 1), tf.max(n!, 0), tf.min(n!), tf.sum(b!, 0), tf.any(b!, 1), tf.all(b!, 0)],
  },
  {
    name: 'ArgMax and ArgMin over each axis',
    kernels: ['ArgMax', 'ArgMin'],
    inputs: () => [f32([7, 33], 97), i32([6, 5], 98, -3, 3)],
    run: (x, n) => [tf.argMax(x!, 1), tf.argMax(x!, 0), tf.argMin(x!, 1), tf.argMax(n!, 1)],
  },
  {
    name: 'ArgMax and ArgMin over vocabulary-long rows (one block per row): ties, NaN, -Infinity',
    kernels: ['ArgMax', 'ArgMin'],
    inputs: () => [f32([3, 151936], 99), values([4, 151936], 'float32', vocabularyRows(151936))],
    run: (x, e) => [tf.argMax(x!, 1), tf.argMin(x!, 1), tf.argMax(e!, 1), tf.argMin(e!, 1)],
  },
  {
    name: 'BatchMatMul 2-D NN, NT (linear), TN with gradients',
    kernels: ['BatchMatMul'],
    inputs: () => [f32([33, 64], 100), f32([64, 47], 101), f32([47, 64], 102), f32([33, 29], 103)],
    run: (x, w, wt, y) => [
      tf.matMul(x!, w!),
      tf.matMul(x!, wt!, false, true),
      tf.matMul(x!, y!, true, false),
    ],
    gradOf: [0, 1, 2],
    tolerance: MATMUL_TOLERANCE,
  },
  {
    name: 'BatchMatMul TT and large K',
    kernels: ['BatchMatMul'],
    inputs: () => [f32([300, 17], 104), f32([23, 300], 105), f32([8, 4096], 106), f32([16, 4096], 107)],
    run: (a, b, x, w) => [tf.matMul(a!, b!, true, true), tf.matMul(x!, w!, false, true)],
    tolerance: { rtol: 1e-4, atol: 5e-4 },
  },
  {
    name: 'BatchMatMul batched 3-D and batch broadcast',
    kernels: ['BatchMatMul'],
    inputs: () => [
      f32([3, 5, 8], 108),
      f32([3, 8, 4], 109),
      f32([8, 6], 110),
      f32([2, 1, 5, 8], 111),
      f32([1, 3, 8, 4], 112),
    ],
    run: (a, b, w, c, d) => [
      tf.matMul(a!, b!),
      tf.matMul(a!, b!, false, false),
      tf.matMul(a!, tf.tile(tf.expandDims(w!, 0), [3, 1, 1])),
      tf.matMul(c!, d!),
    ],
    tolerance: MATMUL_TOLERANCE,
  },
  {
    name: '_FusedMatMul with a bias: 2-D NT (a biased linear, one row and many), NN, batched, relu',
    kernels: ['_FusedMatMul'],
    inputs: () => [
      f32([1, 96], 113),
      f32([33, 96], 114),
      f32([40, 96], 115),
      f32([40], 116),
      f32([96, 40], 117),
      f32([3, 5, 96], 118),
    ],
    run: (row, x, w, bias, wn, batched) => [
      tf.fused.matMul({ a: row!, b: w!, transposeB: true, bias: bias! }),
      tf.fused.matMul({ a: x!, b: w!, transposeB: true, bias: bias! }),
      tf.fused.matMul({ a: x!, b: wn!, bias: bias! }),
      tf.fused.matMul({ a: batched!, b: tf.tile(tf.expandDims(wn!, 0), [3, 1, 1]), bias: bias! }),
      tf.fused.matMul({ a: x!, b: w!, transposeB: true, bias: bias!, activation: 'relu' }),
    ],
    tolerance: MATMUL_TOLERANCE,
  },
];

/**
 * Rows where the first-index rule matters: a tie for the max far apart (and for the min), NaN first
 * (picked, as the cpu backend scans), NaN in the middle (never picked), all -Infinity but one NaN.
 */
function vocabularyRows(len: number): Float32Array {
  const rows = new Float32Array(4 * len);
  rows.set([5], 70_000);
  rows.set([5], 150_000);
  rows.set([-5], 3);
  rows.set([-5], 100_000);
  rows.fill(1, len, 2 * len);
  rows[len] = Number.NaN;
  rows[len + 9] = 2;
  rows.fill(0, 2 * len, 3 * len);
  rows[2 * len + 10] = Number.NaN;
  rows[2 * len + 200] = 7;
  rows[2 * len + 201] = -7;
  rows.fill(-Infinity, 3 * len, 4 * len);
  rows[3 * len + 5] = Number.NaN;
  return rows;
}
