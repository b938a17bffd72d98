// SwigluGrad (the backward of Swiglu) over the same CUDA source; see Swiglu.ts.
import { SwigluGrad, tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';

export const swigluGradConfig: tf.KernelConfig = {
  kernelName: SwigluGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { dy, gate, up } = inputs as { dy: tf.TensorInfo; gate: tf.TensorInfo; up: tf.TensorInfo };
    const dGate = backend.makeTensorInfo(gate.shape, 'float32');
    const dUp = backend.makeTensorInfo(up.shape, 'float32');
    const n = sizeOf(gate);
    if (n > 0) {
      backend.runtime
        .fn('Swiglu', 'swiglu_backward')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(dy),
          backend.pointer(gate),
          backend.pointer(up),
          backend.pointer(dGate),
          backend.pointer(dUp),
          n,
        ]);
    }
    return [dGate, dUp];
  },
};
