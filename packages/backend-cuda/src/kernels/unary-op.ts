// What the elementwise unary kernels share (Exp.ts, IsNan.ts...), over csrc/Unary.cu: float32 math,
// the int32 subset (Neg, Abs, Square, Sign, LogicalNot) and float predicates returning bool. Op codes
// match Unary.cu's UnaryOp enum.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { castTo } from './Cast.js';
import { cudaBackend, gridFor, isIntStorage, sizeOf, BLOCK } from './launch-config.js';

/** Float ops; the ones also in INT_OPS keep int32 inputs int32, the others compute on a float32 copy. */
export const FLOAT_OPS = {
  Neg: 0,
  Abs: 1,
  Exp: 2,
  Log: 3,
  Sqrt: 4,
  Rsqrt: 5,
  Square: 6,
  Reciprocal: 7,
  Sigmoid: 8,
  Tanh: 9,
  Relu: 10,
  Sin: 11,
  Cos: 12,
  Floor: 13,
  Ceil: 14,
  Round: 15,
  Sign: 16,
  Log1p: 17,
  Expm1: 18,
  Softplus: 19,
  Erf: 20,
  ClipByValue: 21,
  Step: 23,
} as const;

const INT_OPS = new Set<number>([FLOAT_OPS.Neg, FLOAT_OPS.Abs, FLOAT_OPS.Square, FLOAT_OPS.Sign]);
const LOGICAL_NOT = 22;
export const PREDICATE_OPS = { IsNan: 30, IsInf: 31, IsFinite: 32 } as const;

/** y = op(x) in a new tensor; p0/p1 are ClipByValue's bounds, p0 Step's alpha. */
export function unaryOp(backend: CudaBackend, op: number, x: tf.TensorInfo, p0 = 0, p1 = 0): tf.TensorInfo {
  const runtime = backend.runtime;
  if (isIntStorage(x.dtype) && INT_OPS.has(op)) {
    const out = backend.makeTensorInfo(x.shape, 'int32');
    const n = sizeOf(x);
    if (n > 0) {
      runtime
        .fn('Unary', 'unary_i32')
        .launch(runtime.stream, gridFor(n), BLOCK, 0, [backend.pointer(x), backend.pointer(out), n, op]);
    }
    return out;
  }
  const input = x.dtype === 'float32' ? x : castTo(backend, x, 'float32');
  const out = backend.makeTensorInfo(x.shape, 'float32');
  const n = sizeOf(x);
  if (n > 0) {
    runtime
      .fn('Unary', 'unary_f32')
      .launch(runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(input),
        backend.pointer(out),
        n,
        op,
        p0,
        p1,
      ]);
  }
  if (input !== x) backend.disposeIntermediateTensorInfo(input);
  return out;
}

function predicateOp(backend: CudaBackend, op: number, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeTensorInfo(x.shape, 'bool');
  const n = sizeOf(x);
  if (x.dtype !== 'float32') {
    // Integers are never NaN or infinite.
    backend.runtime.fill32(backend.pointer(out), op === PREDICATE_OPS.IsFinite ? 1 : 0, n, 'predicate');
    return out;
  }
  if (n > 0) {
    backend.runtime
      .fn('Unary', 'predicate_f32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        op,
      ]);
  }
  return out;
}

export function logicalNotOp(backend: CudaBackend, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeTensorInfo(x.shape, 'bool');
  const n = sizeOf(x);
  if (n > 0) {
    backend.runtime
      .fn('Unary', 'unary_i32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        LOGICAL_NOT,
      ]);
  }
  return out;
}

/** The cuda kernel `kernelName`: unaryOp with `op` on input `x`. */
export function unaryKernelConfig(kernelName: string, op: number): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend }) =>
      unaryOp(cudaBackend(backend), op, (inputs as { x: tf.TensorInfo }).x),
  };
}

/** The cuda kernel `kernelName`: the float predicate `op` (bool output) on input `x`. */
export function predicateKernelConfig(kernelName: string, op: number): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend }) =>
      predicateOp(cudaBackend(backend), op, (inputs as { x: tf.TensorInfo }).x),
  };
}
