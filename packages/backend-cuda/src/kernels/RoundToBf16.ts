// RoundToBf16 (core-tensor's roundToBf16: QLoRA's frozen embeddings and lm_head kept in bf16): the
// result is stored in bf16 only (CudaBackend.makeBf16TensorInfo), half the bytes of float32, written by
// Cast.cu's float32 -> bf16 copy kernel. A tensor already stored in bf16 is returned as an alias.
import { RoundToBf16, tf } from '@medgpt/core-tensor';
import { BLOCK, cudaBackend, gridFor, requireFloat32, sizeOf } from './launch-config.js';

export const roundToBf16Config: tf.KernelConfig = {
  kernelName: RoundToBf16,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    requireFloat32(RoundToBf16, 'x', x);
    if (backend.isBf16Stored(x)) return backend.alias(x);
    const out = backend.makeBf16TensorInfo([...x.shape]);
    const n = sizeOf(x);
    if (n > 0) {
      backend.runtime
        .fn('Cast', 'cast_f32_to_bf16')
        .launch(backend.runtime.stream, gridFor(Math.ceil(n / 2)), BLOCK, 0, [
          backend.pointer(x),
          backend.bf16(out),
          n,
        ]);
    }
    return out;
  },
};
