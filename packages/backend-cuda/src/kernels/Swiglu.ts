// Swiglu, and SwigluGrad in SwigluGrad.ts (core-tensor's fused op) over csrc/Swiglu.cu.
import { Swiglu, tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

export const swigluConfig: tf.KernelConfig = {
  kernelName: Swiglu,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { gate, up } = inputs as { gate: tf.TensorInfo; up: tf.TensorInfo };
    requireFloat32(Swiglu, 'gate', gate);
    const y = backend.makeTensorInfo(gate.shape, 'float32');
    const n = sizeOf(gate);
    if (n > 0) {
      backend.runtime
        .fn('Swiglu', 'swiglu_forward')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(gate),
          backend.pointer(up),
          backend.pointer(y),
          n,
        ]);
    }
    return y;
  },
};
