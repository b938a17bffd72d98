// Grid and block sizes for the kernels' launch shapes (all kernels loop grid-stride, so the grid is a
// cap, not a requirement).
import type { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';

/** Threads per block for elementwise kernels. */
export const BLOCK = 256;
/** Threads per block for one-block-per-row kernels over long rows (softmax over a vocabulary). */
export const WIDE_BLOCK = 1024;
const MAX_GRID = 1 << 20;

/** Blocks for an elementwise kernel over n items. */
export function gridFor(n: number, block = BLOCK): number {
  return Math.max(1, Math.min(Math.ceil(n / block), MAX_GRID));
}

/** Blocks for a one-block-per-row kernel. */
export function rowGrid(rows: number): number {
  return Math.max(1, Math.min(rows, MAX_GRID));
}

/** The cuda backend a kernel function was called with. */
export function cudaBackend(backend: unknown): CudaBackend {
  return backend as CudaBackend;
}

/** Elements of a tensor info. */
export function sizeOf(info: tf.TensorInfo): number {
  let n = 1;
  for (const d of info.shape) n *= d;
  return n;
}

/** Whether int32 kernels serve this dtype (bool is stored as int32). */
export function isIntStorage(dtype: tf.DataType): boolean {
  return dtype === 'int32' || dtype === 'bool';
}

/** Throws unless `info` is float32: the kernel has no int variant. */
export function requireFloat32(kernel: string, name: string, info: tf.TensorInfo): void {
  if (info.dtype !== 'float32') {
    throw new TypeError(`cuda ${kernel}: input '${name}' is ${info.dtype}; this kernel takes float32`);
  }
}
