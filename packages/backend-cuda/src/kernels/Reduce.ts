// Reductions over axes (Sum, Mean, Prod, Max, Min, Any, All) and ArgMax/ArgMin over one axis, over
// csrc/Reduce.cu. The input is viewed as [outer, len, inner] with the reduced axes in the middle;
// reduced axes that are not one contiguous run are first moved to the end by a transpose.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { castTo } from './Cast.js';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, isIntStorage, rowGrid, sizeOf, BLOCK } from './launch-config.js';
import { reductionGeometry } from './strided-view.js';
import { transposeOp } from './Transpose.js';

/** Match csrc/Reduce.cu's ReduceOp. */
const REDUCE_OPS = { Sum: 0, Mean: 1, Prod: 2, Max: 3, Min: 4, Any: 5, All: 6 } as const;
type ReduceKernel = keyof typeof REDUCE_OPS;

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
    runtime
      .fn('Reduce', 'reduce_cols_f32')
      .launch(runtime.stream, gridFor(count), BLOCK, 0, [src, dst, p.outer, p.len, p.inner, op]);
  }
}

function reduceConfig(kernel: ReduceKernel): tf.KernelConfig {
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

function argReduceConfig(kernelName: 'ArgMax' | 'ArgMin'): tf.KernelConfig {
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
        const name = isIntStorage(x.dtype) ? 'arg_reduce_i32' : 'arg_reduce_f32';
        backend.runtime
          .fn('Reduce', name)
          .launch(backend.runtime.stream, gridFor(count), BLOCK, 0, [
            backend.pointer(p.input),
            backend.pointer(out),
            p.outer,
            p.len,
            p.inner,
            kernelName === 'ArgMax' ? 1 : 0,
          ]);
      }
      if (p.input !== x) backend.disposeIntermediateTensorInfo(p.input);
      return out;
    },
  };
}

export const reduceKernelConfigs: tf.KernelConfig[] = [
  ...(Object.keys(REDUCE_OPS) as ReduceKernel[]).map(reduceConfig),
  argReduceConfig('ArgMax'),
  argReduceConfig('ArgMin'),
];
