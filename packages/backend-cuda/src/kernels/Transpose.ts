// Transpose: an alias when the permutation keeps the memory order, else one strided gather.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend } from './launch-config.js';
import { stridedCopy } from './strided-copy.js';
import { permutedView } from './strided-view.js';

/** x with its axes permuted by `perm`; an alias when the permutation keeps the memory order. */
export function transposeOp(backend: CudaBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  const shape = perm.map((p) => x.shape[p]!);
  const view = permutedView(x.shape, perm);
  if (view.dims.length === 1 && view.strides[0]![0] === 1) return backend.alias(x, shape);
  return stridedCopy(backend, x, shape, view.dims, view.strides[0]!, 0);
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) =>
    transposeOp(
      cudaBackend(backend),
      (inputs as { x: tf.TensorInfo }).x,
      (attrs as unknown as tf.TransposeAttrs).perm,
    ),
};
