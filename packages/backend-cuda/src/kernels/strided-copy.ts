// A strided gather over csrc/Copy.cu (4-byte words, any dtype): what Transpose, Slice and BatchMatMul's
// operand copies share.
import type { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { gridFor, sizeOf, BLOCK } from './launch-config.js';
import { stridedViewFields } from './strided-view.js';

/** Copies `view` of `x` (dims, strides, base element) into a new tensor of `shape`. */
export function stridedCopy(
  backend: CudaBackend,
  x: tf.TensorInfo,
  shape: number[],
  dims: number[],
  strides: number[],
  base: number,
): tf.TensorInfo {
  const out = backend.makeTensorInfo(shape, x.dtype);
  const n = sizeOf(out);
  if (n === 0) return out;
  backend.runtime
    .fn('Copy', 'strided_copy_u32')
    .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
      backend.pointer(x),
      backend.pointer(out),
      n,
      stridedViewFields(dims, strides, base),
    ]);
  return out;
}
