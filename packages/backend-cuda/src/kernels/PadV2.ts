// PadV2 (tf.pad; also the gradient of Slice): the output is filled with the constant, then the input
// is written into its region with csrc/Copy.cu's strided scatter.
import { tf } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';
import { collapseDims, rowMajorStrides, stridedViewFields } from './strided-view.js';

export const padV2Config: tf.KernelConfig = {
  kernelName: tf.PadV2,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    const { paddings, constantValue } = attrs as unknown as tf.PadV2Attrs;
    const shape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    const out = filled(backend, shape, x.dtype, constantValue);
    const n = sizeOf(x);
    if (n === 0) return out;
    const outStrides = rowMajorStrides(shape);
    const base = paddings.reduce((sum, [before], d) => sum + before * outStrides[d]!, 0);
    const view = collapseDims(x.shape, [outStrides]);
    backend.runtime
      .fn('Copy', 'strided_scatter_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        stridedViewFields(view.dims, view.strides[0]!, base),
      ]);
    return out;
  },
};
