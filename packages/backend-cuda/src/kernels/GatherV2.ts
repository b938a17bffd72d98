// GatherV2 (tf.gather, the embedding lookup) over csrc/GatherV2.cu.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';

const product = (dims: number[]) => dims.reduce((a, d) => a * d, 1);

export const gatherV2Config: tf.KernelConfig = {
  kernelName: tf.GatherV2,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
    if ((batchDims ?? 0) !== 0)
      throw new RangeError(`cuda GatherV2: batchDims ${batchDims} is not supported (0 is)`);
    if (indices.dtype !== 'int32')
      throw new TypeError(`cuda GatherV2: indices are ${indices.dtype}; expected int32`);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const shape = [...x.shape.slice(0, $axis), ...indices.shape, ...x.shape.slice($axis + 1)];
    const out = backend.makeTensorInfo(shape, x.dtype);
    const n = sizeOf(out);
    if (n === 0) return out;
    const outer = product(x.shape.slice(0, $axis));
    const inner = product(x.shape.slice($axis + 1));
    // A table stored in bf16 (QLoRA's frozen embeddings) is read as such, its rows widened on the way.
    const bf16 = x.dtype === 'float32' && backend.isBf16Stored(x);
    backend.runtime
      .fn('GatherV2', bf16 ? 'gather_bf16_to_f32' : 'gather_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        bf16 ? backend.bf16(x) : backend.pointer(x),
        backend.pointer(indices),
        backend.pointer(out),
        outer,
        x.shape[$axis]!,
        sizeOf(indices),
        inner,
      ]);
    return out;
  },
};
