// Slice: a device-to-device copy when the slice is one block of memory, else one strided gather.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, sizeOf } from './launch-config.js';
import { stridedCopy } from './strided-copy.js';
import { collapseDims, rowMajorStrides } from './strided-view.js';

/** x[begin : begin + size] (sizes already resolved, no -1). */
export function sliceOp(
  backend: CudaBackend,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const strides = rowMajorStrides(x.shape);
  const base = begin.reduce((sum, start, d) => sum + start * strides[d]!, 0);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    // One block of memory: a plain device-to-device copy.
    const out = backend.makeTensorInfo(size, x.dtype);
    backend.runtime.copy(backend.pointer(out), backend.pointer(x) + 4 * base, 4 * sizeOf(out), 'Slice');
    return out;
  }
  const view = collapseDims(size, [strides]);
  return stridedCopy(backend, x, size, view.dims, view.strides[0]!, base);
}

export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { begin, size } = attrs as unknown as tf.SliceAttrs;
    const [$begin, $size] = tf.slice_util.parseSliceParams(x, begin, size);
    tf.slice_util.assertParamsValid(x, $begin, $size);
    return sliceOp(cudaBackend(backend), x, $begin, $size);
  },
};
