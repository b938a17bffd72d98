// Data movement and constants: Reshape, Transpose, Slice, Tile, Concat, Pack, GatherV2,
// UnsortedSegmentSum, WriteCacheRows, Fill, ZerosLike, OnesLike, Range, Cumsum.
import { WriteCacheRows } from '../kernel-names.js';
import { writeCacheRows } from '../ops/write-cache-rows.js';
import { tf } from '../tf.js';
import { f32, i32, values } from './case-inputs.js';
import type { ConformanceCase } from './conformance-case.js';

export const dataMovementCases = (): ConformanceCase[] => [
  {
    name: 'Reshape (alias) and its gradient',
    kernels: ['Reshape'],
    inputs: () => [f32([6, 10], 60)],
    run: (x) => tf.reshape(x, [3, -1, 5]),
    gradOf: [0],
  },
  {
    name: 'Transpose rank 3 perm [2,0,1] and rank 2',
    kernels: ['Transpose'],
    inputs: () => [f32([3, 4, 5], 61), i32([7, 9], 62, -9, 9)],
    run: (x, n) => [tf.transpose(x!, [2, 0, 1]), tf.transpose(n!)],
    gradOf: [0],
  },
  {
    name: 'Transpose rank 5 and identity perm',
    kernels: ['Transpose'],
    inputs: () => [f32([2, 3, 2, 4, 3], 63)],
    run: (x) => [tf.transpose(x, [4, 2, 0, 3, 1]), tf.transpose(x, [0, 1, 2, 3, 4])],
  },
  {
    name: 'Slice contiguous rows and strided block',
    kernels: ['Slice'],
    inputs: () => [f32([10, 12], 64), f32([4, 6, 8], 65)],
    run: (a, b) => [tf.slice(a!, [3, 0], [4, 12]), tf.slice(b!, [1, 2, 3], [2, 3, -1])],
    gradOf: [0, 1],
  },
  {
    name: 'Tile [2,3] by [3,2] and int32',
    kernels: ['Tile'],
    inputs: () => [f32([2, 3], 66), i32([5], 67, 0, 100)],
    run: (x, n) => [tf.tile(x!, [3, 2]), tf.tile(n!, [4])],
    gradOf: [0],
  },
  {
    name: 'Concat axis 0 and axis 1 (with an empty input)',
    kernels: ['Concat'],
    inputs: () => [f32([3, 4], 68), f32([2, 4], 69), f32([3, 2], 70), f32([3, 0], 71)],
    run: (a, b, c, e) => [tf.concat([a!, b!], 0), tf.concat([a!, c!, e!], 1)],
    gradOf: [0, 1, 2],
  },
  {
    name: 'Pack (stack) axis 0 and 1',
    kernels: ['Pack'],
    inputs: () => [f32([4, 3], 72), f32([4, 3], 73), f32([4, 3], 74)],
    run: (a, b, c) => [tf.stack([a!, b!, c!], 0), tf.stack([a!, b!, c!], 1)],
    gradOf: [0, 2],
  },
  {
    name: 'PadV2, SplitV, Unpack, ExpandDims',
    kernels: ['PadV2', 'SplitV', 'Unpack', 'ExpandDims'],
    inputs: () => [f32([3, 4, 5], 86), i32([4, 3], 87, -9, 9)],
    run: (x, n) => [
      tf.pad(
        x!,
        [
          [1, 0],
          [0, 2],
          [3, 1],
        ],
        0.5,
      ),
      tf.pad(
        n!,
        [
          [2, 1],
          [0, 0],
        ],
        7,
      ),
      ...tf.split(x!, [1, 3], 1),
      ...tf.unstack(x!, 2),
      tf.expandDims(n!, 1),
    ],
    gradOf: [0],
  },
  {
    name: 'GatherV2 embedding rows and axis 1',
    kernels: ['GatherV2', 'UnsortedSegmentSum'],
    inputs: () => [f32([50, 16], 75), i32([23], 76, 0, 50), f32([4, 9, 3], 77), i32([2, 5], 78, 0, 9)],
    run: (table, ids, x, idx) => [tf.gather(table!, ids!), tf.gather(x!, idx!, 1)],
    gradOf: [0, 2],
  },
  {
    name: 'UnsortedSegmentSum float32 and int32',
    kernels: ['UnsortedSegmentSum'],
    inputs: () => [f32([30, 6], 79), i32([30], 80, 0, 7), i32([30, 2], 81, -50, 50)],
    run: (x, ids, n) => [
      tf.unsortedSegmentSum(x!, ids as tf.Tensor1D, 7),
      tf.unsortedSegmentSum(n!, ids as tf.Tensor1D, 7),
    ],
    tolerance: { rtol: 1e-5, atol: 1e-5 },
  },
  {
    // The serving engine's KV-cache write. The cache is made inside the case (an Add, so a buffer of
    // its own: the write must not reach the case's host input, which cpu tensors share), written three
    // times (the second overwrites a row of the first; the third writes nothing); every handle must
    // be the same buffer and the first handle must show both writes, as on cpu.
    name: 'WriteCacheRows in place: two writes and an empty one, one buffer throughout',
    kernels: [WriteCacheRows],
    inputs: () => [
      f32([12, 8], 88),
      f32([3, 8], 89),
      values([3], 'int32', [11, 0, 5]),
      f32([2, 8], 90),
      values([2], 'int32', [5, 7]),
      values([0, 8], 'float32', []),
      values([0], 'int32', []),
    ],
    run: (x, r1, i1, r2, i2, r0, i0) => {
      const cache = tf.add(x!, 0) as tf.Tensor2D;
      const once = writeCacheRows(cache, r1 as tf.Tensor2D, i1 as tf.Tensor1D);
      const twice = writeCacheRows(once, r2 as tf.Tensor2D, i2 as tf.Tensor1D);
      const same = writeCacheRows(twice, r0 as tf.Tensor2D, i0 as tf.Tensor1D);
      const oneBuffer = [once, twice, same].every((t) => t.dataId === cache.dataId);
      return [cache, same, tf.scalar(oneBuffer ? 1 : 0, 'int32')];
    },
  },
  {
    name: 'Fill, ZerosLike, OnesLike, Range',
    kernels: ['Fill', 'ZerosLike', 'OnesLike', 'Range'],
    inputs: () => [i32([3, 4], 82, 0, 9)],
    run: (x) => [
      tf.fill([2, 3], 2.5),
      tf.fill([4], 7, 'int32'),
      tf.zerosLike(x),
      tf.onesLike(x),
      tf.range(0, 10, 1, 'int32'),
      tf.range(-1, 2, 0.1),
      tf.range(5, 0, 1),
    ],
  },
  {
    name: 'Cumsum axis 1 int32 (position ids) and float32 variants',
    kernels: ['Cumsum'],
    inputs: () => [i32([3, 8], 83, 0, 2), f32([5, 6, 4], 84)],
    run: (m, x) => [
      tf.cumsum(m!, 1),
      tf.cumsum(x!, 1),
      tf.cumsum(x!, 0, true),
      tf.cumsum(x!, 2, false, true),
      tf.cumsum(x!, 1, true, true),
    ],
  },
  {
    // tfjs 4.22's Cumsum gradient is only right along the last axis.
    name: 'Cumsum gradient along the last axis',
    kernels: ['Cumsum'],
    inputs: () => [f32([5, 6], 85)],
    run: (x) => tf.cumsum(x, 1),
    gradOf: [0],
  },
];
