// PhiloxDropout (core-tensor's inverted dropout with a mask regenerated from its Philox stream) over
// csrc/PhiloxDropout.cu: the mask is drawn on the device, equal to the host reference bit for bit.
import { PhiloxDropout, tf, type PhiloxDropoutAttrs } from '@medgpt/core-tensor';
import { BLOCK, cudaBackend, gridFor, requireFloat32, sizeOf } from './launch-config.js';

export const philoxDropoutConfig: tf.KernelConfig = {
  kernelName: PhiloxDropout,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    requireFloat32(PhiloxDropout, 'x', x);
    const { rate, key0, key1, offset } = attrs as unknown as PhiloxDropoutAttrs;
    const out = backend.makeTensorInfo(x.shape, 'float32');
    const n = sizeOf(x);
    if (n === 0) return out;
    backend.runtime
      .fn('PhiloxDropout', 'philox_dropout')
      .launch(backend.runtime.stream, gridFor(Math.ceil(n / 4)), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        rate,
        1 / (1 - rate),
        key0,
        key1,
        offset,
      ]);
    return out;
  },
};
