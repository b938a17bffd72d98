// BatchMatMul through cuBLASLt (runtime/matmul-plans.ts): float32 [..., m, k] x [..., k, n] with
// transpose flags and broadcast batch dimensions. Inputs whose batch needs broadcasting are first
// expanded to the output's batch shape (a strided copy; 2-D activations never need it).
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { filled } from './Fill.js';
import { cudaBackend, requireFloat32 } from './launch-config.js';
import { broadcastStrides, collapseDims } from './strided-view.js';
import { stridedCopy } from './Transpose.js';

const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/** `x` with its batch dimensions expanded to `batch` (an alias when no expansion is needed). */
function expandBatch(backend: CudaBackend, x: tf.TensorInfo, batch: number[]): tf.TensorInfo {
  const matrix = x.shape.slice(-2);
  if (product(x.shape.slice(0, -2)) === product(batch)) return backend.alias(x);
  const shape = [...batch, ...matrix];
  const view = collapseDims(shape, [broadcastStrides(x.shape, shape)]);
  return stridedCopy(backend, x, shape, view.dims, view.strides[0]!, 0);
}

export function batchMatMul(
  backend: CudaBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  requireFloat32('BatchMatMul', 'a', a);
  requireFloat32('BatchMatMul', 'b', b);
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
  backend.runtime.matmul.run(
    { m, n, k, transposeA, transposeB, batch: product(batchShape) },
    backend.pointer(a2),
    backend.pointer(b2),
    backend.pointer(out),
    backend.runtime.stream,
  );
  backend.disposeIntermediateTensorInfo(a2);
  backend.disposeIntermediateTensorInfo(b2);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return batchMatMul(cudaBackend(backend), a, b, transposeA, transposeB);
  },
};
