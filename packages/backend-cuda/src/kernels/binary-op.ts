// What the elementwise binary kernels share (Add.ts, Equal.ts...): numpy broadcasting for arithmetic
// (Add, Sub, Multiply, RealDiv, Maximum, Minimum, Pow, SquaredDifference, FloorDiv, Mod) and for
// comparisons / logic that return bool. One launcher over csrc/Binary.cu; the op codes below match its
// BinaryOp enum. The broadcast is collapsed
// to the fewest dimensions first, then picks the kernel form: `_same` (vectorised) when both operands
// are laid out like the output, `_bcast2` for rank <= 2 (bias rows, columns, scalars), `_bcast` else.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { castTo } from './Cast.js';
import { cudaBackend, gridFor, isIntStorage, sizeOf, BLOCK } from './launch-config.js';
import { broadcastStrides, collapseDims, stridedViewFields } from './strided-view.js';

export const ARITHMETIC_OPS = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  Pow: 6,
  SquaredDifference: 7,
  FloorDiv: 8,
  Mod: 9,
} as const;

export const COMPARISON_OPS = {
  Equal: 20,
  NotEqual: 21,
  Less: 22,
  LessEqual: 23,
  Greater: 24,
  GreaterEqual: 25,
  LogicalAnd: 26,
  LogicalOr: 27,
} as const;

/**
 * out = a (op) b into a new tensor of the broadcast shape; `out` dtype is bool for comparisons, else
 * the inputs' dtype. Exported for kernels built on it (AddN).
 */
export function binaryOp(
  backend: CudaBackend,
  op: number,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  out?: tf.TensorInfo,
): tf.TensorInfo {
  const comparison = op >= COMPARISON_OPS.Equal;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const result = out ?? backend.makeTensorInfo(shape, comparison ? 'bool' : tf.upcastType(a.dtype, b.dtype));
  if (out !== undefined) backend.invalidateCopies(out);
  const n = sizeOf(result);
  if (n === 0) return result;
  const family = `${comparison ? 'compare' : 'binary'}`;
  const type = isIntStorage(a.dtype) && isIntStorage(b.dtype) ? 'i32' : 'f32';
  if (type === 'f32' && (a.dtype !== 'float32' || b.dtype !== 'float32')) {
    throw new TypeError(
      `cuda binary op ${op}: mixed dtypes ${a.dtype} and ${b.dtype} (tfjs casts before the kernel)`,
    );
  }
  const [pa, pb, po] = [backend.pointer(a), backend.pointer(b), backend.pointer(result)];
  const runtime = backend.runtime;
  if (tf.util.arraysEqual(a.shape, b.shape)) {
    launchSame(backend, `${family}_same_${type}`, [pa, pb, po], n, op);
    return result;
  }
  const view = collapseDims(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  if (view.dims.length <= 2) {
    // [rows, cols] with a (row stride, column stride) per operand; a rank-1 view is one row.
    const cols = view.dims.at(-1)!;
    const [[ars, acs], [brs, bcs]] = view.strides.map((s) => (s.length === 2 ? s : [0, s[0]!])) as [
      [number, number],
      [number, number],
    ];
    const rows = n / cols;
    // Both operands laid out like the output (shapes that differ only by 1s).
    if (acs === 1 && bcs === 1 && (rows === 1 || (ars === cols && brs === cols))) {
      launchSame(backend, `${family}_same_${type}`, [pa, pb, po], n, op);
      return result;
    }
    // Four outputs per thread when rows are whole 16-byte vectors and each operand either runs along
    // the row in whole aligned vectors or is constant along it.
    const rowVectors = (p: number, rs: number, cs: number) =>
      cs === 0 || (cs === 1 && rs % 4 === 0 && p % 16 === 0);
    const vec = cols % 4 === 0 && po % 16 === 0 && rowVectors(pa, ars, acs) && rowVectors(pb, brs, bcs);
    runtime
      .fn('Binary', `${family}_bcast2_${type}`)
      .launch(runtime.stream, gridFor(vec ? n / 4 : n), BLOCK, 0, [
        pa,
        pb,
        po,
        n,
        op,
        cols,
        ars,
        acs,
        brs,
        bcs,
        vec ? 1 : 0,
      ]);
    return result;
  }
  runtime
    .fn('Binary', `${family}_bcast_${type}`)
    .launch(runtime.stream, gridFor(n), BLOCK, 0, [
      pa,
      pb,
      po,
      n,
      op,
      stridedViewFields(view.dims, view.strides[0]!),
      stridedViewFields(view.dims, view.strides[1]!),
    ]);
  return result;
}

/**
 * Operands laid out like the output: csrc/Binary.cu's `_same` form goes through 16-byte vectors, so
 * one thread per four elements.
 */
function launchSame(backend: CudaBackend, name: string, pointers: number[], n: number, op: number): void {
  const runtime = backend.runtime;
  runtime
    .fn('Binary', name)
    .launch(runtime.stream, gridFor(Math.ceil(n / 4)), BLOCK, 0, [...pointers, n, op]);
}

/** The cuda kernel `kernelName`: binaryOp with `op`. */
export function binaryKernelConfig(kernelName: string, op: number): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend: bk }) => {
      const backend = cudaBackend(bk);
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (op !== ARITHMETIC_OPS.FloorDiv || a.dtype !== 'float32') return binaryOp(backend, op, a, b);
      // tfjs's FloorDiv always returns int32, floats included.
      const floored = binaryOp(backend, op, a, b);
      const result = castTo(backend, floored, 'int32');
      backend.disposeIntermediateTensorInfo(floored);
      return result;
    },
  };
}
