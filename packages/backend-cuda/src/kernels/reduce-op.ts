// What the reduction kernels share (Sum.ts, ArgMax.ts...): reductions over axes (Sum, Mean, Prod, Max,
// Min, Any, All) and ArgMax/ArgMin over one axis, over csrc/Reduce.cu. The input is viewed as [outer, len, inner] with the reduced axes in the middle;
// reduced axes that are not one contiguous run are first moved to the end by a transpose.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { castTo } from './Cast.js';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, isIntStorage, rowGrid, sizeOf, BLOCK, WIDE_BLOCK } from './launch-config.js';
import { reductionGeometry } from './strided-view.js';
import { withScratch } from './scratch.js';
import { transposeOp } from './Transpose.js';

/** Match csrc/Reduce.cu's ReduceOp. */
const REDUCE_OPS = { Sum: 0, Mean: 1, Prod: 2, Max: 3, Min: 4, Any: 5, All: 6 } as const;
export type ReduceKernel = keyof typeof REDUCE_OPS;

/** The value of a reduction over nothing. */
const EMPTY_VALUE: Record<ReduceKernel, number> = {
  Sum: 0,
  Mean: NaN,
  Prod: 1,
  Max: -Infinity,
  Min: Infinity,
  Any: 0,
  All: 1,
};

/** Geometry of a reduction: the input (maybe transposed) and how to view it. */
interface Plan {
  input: tf.TensorInfo;
  outer: number;
  len: number;
  inner: number;
  /** Output shape without kept dims. */
  outShape: number[];
}

function plan(backend: CudaBackend, x: tf.TensorInfo, axes: number[]): Plan {
  const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const direct = reductionGeometry(x.shape, axes);
  if (direct !== null) return { input: x, ...direct, outShape };
  // Move the reduced axes to the end (in order), then reduce the trailing run.
  const perm = tf.backend_util.getAxesPermutation(axes, x.shape.length)!;
  const input = transposeOp(backend, x, perm);
  const len = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return { input, outer: sizeOf(x) / Math.max(len, 1), len, inner: 1, outShape };
}

function outputDtype(kernel: ReduceKernel, dtype: tf.DataType): tf.DataType {
  if (kernel === 'Any' || kernel === 'All') return 'bool';
  if (kernel === 'Sum' || kernel === 'Prod') return tf.upcastType(dtype, 'int32');
  return dtype === 'bool' ? 'int32' : dtype;
}

/** Reduces `x` over `axes` (already parsed) with `kernel`'s operation. */
export function reduceOp(
  backend: CudaBackend,
  kernel: ReduceKernel,
  x: tf.TensorInfo,
  axes: number[],
  keepDims: boolean,
): tf.TensorInfo {
  const p = plan(backend, x, axes);
  const dtype = outputDtype(kernel, x.dtype);
  const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(p.outShape, axes) : p.outShape;
  let out: tf.TensorInfo;
  if (p.len === 0) out = filled(backend, shape, dtype, EMPTY_VALUE[kernel]);
  else {
    out = backend.makeTensorInfo(shape, dtype);
    launchReduce(backend, REDUCE_OPS[kernel], p, out);
  }
  if (p.input !== x) backend.disposeIntermediateTensorInfo(p.input);
  return out;
}

/** Threads per block of the column-sum kernels: csrc/common.cuh's COLUMN_BLOCK. */
export const COLUMN_BLOCK = 256;
/**
 * Pass-1 blocks to aim for when there are few columns: two waves of 8 resident 256-thread blocks on an
 * H200's 132 SMs.
 */
const COLUMN_TARGET_BLOCKS = 2112;
/**
 * Each pass-1 thread adds at least this many rows, so that its loads overlap and the block's fixed
 * costs (the lane tree, the partial write, pass 2's work) stay small: measured on an H200 for [8192, 896]
 * over axis 0, 32 rows per thread (one wave of 896 blocks) took 12 us where 4 (4116 blocks) took 22 us.
 */
const COLUMN_MIN_ROWS_PER_THREAD = 32;
/** The grid's y limit (chunks go there). */
const MAX_GRID_Y = 65535;

/** How csrc/common.cuh's two-pass column sum splits an input viewed as [outer, len, inner]. */
export interface ColumnSumPlan {
  /** Consecutive columns per block: a power of two, at most 32 (COLUMN_BLOCK / tile row lanes). */
  tile: number;
  /** Tiles per slab: ceil(inner / tile). */
  colTiles: number;
  /** Row chunks (the grid's y); the partial sums are [outer, chunks, inner] doubles. */
  chunks: number;
  /** Rows per chunk, a multiple of the row lanes (the last chunk may be shorter). */
  chunkRows: number;
}

/**
 * The split of a column sum over [outer, len, inner] (len >= 1): enough chunks of the reduced axis
 * that pass 1 has about COLUMN_TARGET_BLOCKS blocks, each thread adding at least
 * COLUMN_MIN_ROWS_PER_THREAD rows. [8192, 896] over axis 0: tile 32 (8 row lanes), 28 tiles, 32 chunks
 * of 256 rows, so 896 blocks. Depends only on the shape, so results are the same run to run.
 */
export function columnSumPlan(outer: number, len: number, inner: number): ColumnSumPlan {
  let tile = 1;
  while (tile < 32 && tile < inner) tile *= 2;
  const lanes = COLUMN_BLOCK / tile;
  const colTiles = Math.ceil(inner / tile);
  const wanted = Math.ceil(COLUMN_TARGET_BLOCKS / (outer * colTiles));
  const most = Math.min(MAX_GRID_Y, Math.ceil(len / (lanes * COLUMN_MIN_ROWS_PER_THREAD)));
  const target = Math.max(1, Math.min(wanted, most));
  const chunkRows = Math.ceil(Math.ceil(len / target) / lanes) * lanes;
  return { tile, colTiles, chunks: Math.ceil(len / chunkRows), chunkRows };
}

/** Float Sum or Mean over the middle axis in two passes (chunk sums, then the chunks per column). */
function launchColumnSum(backend: CudaBackend, op: number, p: Plan, cp: ColumnSumPlan, out: tf.TensorInfo) {
  const runtime = backend.runtime;
  const bytes = 8 * p.outer * cp.chunks * p.inner;
  withScratch(backend, bytes, `${op === REDUCE_OPS.Mean ? 'Mean' : 'Sum'} column partial sums`, (partial) => {
    runtime
      .fn('Reduce', 'reduce_cols_partial_f32')
      .launch(runtime.stream, [p.outer * cp.colTiles, cp.chunks, 1], COLUMN_BLOCK, 0, [
        backend.pointer(p.input),
        partial,
        p.len,
        p.inner,
        cp.tile,
        cp.colTiles,
        cp.chunkRows,
      ]);
    runtime
      .fn('Reduce', 'reduce_cols_finish_f32')
      .launch(runtime.stream, p.outer * cp.colTiles, COLUMN_BLOCK, 0, [
        partial,
        backend.pointer(out),
        cp.chunks,
        p.inner,
        cp.tile,
        cp.colTiles,
        op === REDUCE_OPS.Mean ? p.len : 1,
      ]);
  });
}

function launchReduce(backend: CudaBackend, op: number, p: Plan, out: tf.TensorInfo): void {
  const count = p.outer * p.inner;
  if (count === 0) return;
  const runtime = backend.runtime;
  const [src, dst] = [backend.pointer(p.input), backend.pointer(out)];
  if (isIntStorage(p.input.dtype)) {
    runtime
      .fn('Reduce', 'reduce_i32')
      .launch(runtime.stream, gridFor(count), BLOCK, 0, [src, dst, p.outer, p.len, p.inner, op]);
  } else if (p.inner === 1) {
    runtime
      .fn('Reduce', 'reduce_rows_f32')
      .launch(runtime.stream, rowGrid(p.outer), BLOCK, 0, [src, dst, p.outer, p.len, op]);
  } else {
    if (op === REDUCE_OPS.Sum || op === REDUCE_OPS.Mean) {
      // Few outputs over a long axis (bias gradients): spread the axis over many blocks.
      const cp = columnSumPlan(p.outer, p.len, p.inner);
      if (cp.chunks >= 2) return launchColumnSum(backend, op, p, cp, out);
    }
    runtime
      .fn('Reduce', 'reduce_cols_f32')
      .launch(runtime.stream, gridFor(count), BLOCK, 0, [src, dst, p.outer, p.len, p.inner, op]);
  }
}

/** The cuda kernel of reduction `kernel` (Sum, Mean...), over the axes of its attrs. */
export function reduceKernelConfig(kernel: ReduceKernel): tf.KernelConfig {
  return {
    kernelName: kernel,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      // Max names its axis attr reductionIndices; the others call it axis. null means every axis.
      const a = attrs as unknown as {
        axis?: number | number[];
        reductionIndices?: number | number[];
        keepDims: boolean;
      };
      const axis = kernel === 'Max' ? a.reductionIndices : a.axis;
      const axes = tf.util.parseAxisParam((axis ?? null) as number[], x.shape);
      const b = cudaBackend(backend);
      // Mean of integers: tfjs-backend-cpu averages in float32 and casts back.
      if (kernel === 'Mean' && isIntStorage(x.dtype)) {
        const xf = castTo(b, x, 'float32');
        const mean = reduceOp(b, 'Mean', xf, axes, a.keepDims);
        const result = castTo(b, mean, 'int32');
        b.disposeIntermediateTensorInfo(xf);
        b.disposeIntermediateTensorInfo(mean);
        return result;
      }
      return reduceOp(b, kernel, x, axes, a.keepDims);
    },
  };
}

/** Rows at least this long take the one-block-per-row ArgMax/ArgMin. */
const ROW_ARG_MIN_LEN = 1024;

/** The cuda kernel ArgMax or ArgMin, over the axis of its attrs. */
export function argReduceKernelConfig(kernelName: 'ArgMax' | 'ArgMin'): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = cudaBackend(b);
      const { x } = inputs as { x: tf.TensorInfo };
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.ArgMaxAttrs).axis, x.shape);
      const p = plan(backend, x, axes);
      const out = backend.makeTensorInfo(p.outShape, 'int32');
      const count = p.outer * p.inner;
      if (count > 0) {
        if (p.len === 0) throw new RangeError(`cuda ${kernelName}: the axis has length 0`);
        const isMax = kernelName === 'ArgMax' ? 1 : 0;
        const [src, dst] = [backend.pointer(p.input), backend.pointer(out)];
        const runtime = backend.runtime;
        if (!isIntStorage(x.dtype) && p.inner === 1 && p.len >= ROW_ARG_MIN_LEN) {
          // Long rows (a vocabulary of logits): one block of 1,024 threads per row instead of one thread.
          runtime
            .fn('Reduce', 'arg_reduce_rows_f32')
            .launch(runtime.stream, rowGrid(p.outer), WIDE_BLOCK, 0, [src, dst, p.outer, p.len, isMax]);
        } else {
          const name = isIntStorage(x.dtype) ? 'arg_reduce_i32' : 'arg_reduce_f32';
          runtime
            .fn('Reduce', name)
            .launch(runtime.stream, gridFor(count), BLOCK, 0, [src, dst, p.outer, p.len, p.inner, isMax]);
        }
      }
      if (p.input !== x) backend.disposeIntermediateTensorInfo(p.input);
      return out;
    },
  };
}
