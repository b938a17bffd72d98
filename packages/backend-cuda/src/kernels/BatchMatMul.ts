// BatchMatMul through cuBLASLt (runtime/matmul-plans.ts): float32 [..., m, k] x [..., k, n] with
// transpose flags and broadcast batch dimensions. Inputs whose batch needs broadcasting are first
// expanded to the output's batch shape (a strided copy; 2-D activations never need it).
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { filled } from './Fill.js';
import { cudaBackend, requireFloat32 } from './launch-config.js';
import { broadcastStrides, collapseDims } from './strided-view.js';
import { stridedCopy } from './strided-copy.js';

const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/** `x` with its batch dimensions expanded to `batch` (an alias when no expansion is needed). */
function expandBatch(backend: CudaBackend, x: tf.TensorInfo, batch: number[]): tf.TensorInfo {
  const matrix = x.shape.slice(-2);
  if (product(x.shape.slice(0, -2)) === product(batch)) return backend.alias(x);
  const shape = [...batch, ...matrix];
  const view = collapseDims(shape, [broadcastStrides(x.shape, shape)]);
  return stridedCopy(backend, x, shape, view.dims, view.strides[0]!, 0);
}

/** The address a matmul reads for `info`: its bf16 copy in 'bf16' precision, else its float32 data. */
function operand(backend: CudaBackend, info: tf.TensorInfo, bf16: boolean): number {
  return bf16 ? backend.bf16(info) : backend.pointer(info);
}

export function batchMatMul(
  backend: CudaBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  requireFloat32(tf.BatchMatMul, 'a', a);
  requireFloat32(tf.BatchMatMul, 'b', b);
  const [ra, rb] = [a.shape.length, b.shape.length];
  if (ra < 2 || rb < 2) throw new RangeError(`cuda BatchMatMul: ranks ${ra} and ${rb}; both must be >= 2`);
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) {
    throw new RangeError(
      `cuda BatchMatMul: inner sizes differ: a [${a.shape}] (transposeA ${transposeA}), b [${b.shape}] (transposeB ${transposeB})`,
    );
  }
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batchShape, m, n];
  if (product(shape) === 0) return backend.makeTensorInfo(shape, 'float32');
  if (k === 0) return filled(backend, shape, 'float32', 0);
  const [a2, b2] = [expandBatch(backend, a, batchShape), expandBatch(backend, b, batchShape)];
  const out = backend.makeTensorInfo(shape, 'float32');
  const bf16 = backend.runtime.matmul.precision === 'bf16';
  backend.runtime.matmul.run(
    { m, n, k, transposeA, transposeB, batch: product(batchShape) },
    operand(backend, a2, bf16),
    operand(backend, b2, bf16),
    backend.pointer(out),
    backend.runtime.stream,
    { bf16Operands: bf16 },
  );
  backend.disposeIntermediateTensorInfo(a2);
  backend.disposeIntermediateTensorInfo(b2);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return batchMatMul(cudaBackend(backend), a, b, transposeA, transposeB);
  },
};

export interface GemmOptions {
  /** Scales the product (default 1). */
  alpha?: number;
  /** Accumulate into this [m, n] tensor (C = alpha op(a) op(b) + C) instead of a new one. */
  into?: tf.TensorInfo;
  /** [n] added to every row (cuBLASLt's bias epilogue); not with `into`. */
  bias?: tf.TensorInfo | null;
}

/**
 * A 2-D product with cuBLASLt's scaling, accumulation and bias folded in, so that fused ops (LoRA)
 * need no separate elementwise passes: returns `into` (mutated) or a new [m, n] tensor.
 */
export function gemm(
  backend: CudaBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  options: GemmOptions = {},
): tf.TensorInfo {
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new RangeError(`cuda gemm: 2-D operands expected, got [${a.shape}] and [${b.shape}]`);
  const m = transposeA ? a.shape[1]! : a.shape[0]!;
  const k = transposeA ? a.shape[0]! : a.shape[1]!;
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  if ((transposeB ? b.shape[1] : b.shape[0]) !== k)
    throw new RangeError(`cuda gemm: inner sizes differ: [${a.shape}] and [${b.shape}]`);
  const into = options.into;
  if (into !== undefined && (into.shape[0] !== m || into.shape[1] !== n))
    throw new RangeError(`cuda gemm: accumulator [${into.shape}] is not [${m}, ${n}]`);
  const out = into ?? backend.makeTensorInfo([m, n], 'float32');
  if (m * n === 0 || k === 0) {
    if (into === undefined) backend.runtime.fill32(backend.pointer(out), 0, m * n, 'gemm');
    return out;
  }
  if (into !== undefined) backend.invalidateCopies(into);
  const bf16 = backend.runtime.matmul.precision === 'bf16';
  backend.runtime.matmul.run(
    { m, n, k, transposeA, transposeB, batch: 1 },
    operand(backend, a, bf16),
    operand(backend, b, bf16),
    backend.pointer(out),
    backend.runtime.stream,
    {
      alpha: options.alpha ?? 1,
      beta: into !== undefined ? 1 : 0,
      bias: options.bias != null ? backend.pointer(options.bias) : undefined,
      bf16Operands: bf16,
    },
  );
  return out;
}
