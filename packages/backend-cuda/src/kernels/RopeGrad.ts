// RopeGrad (the backward of Rope) over the same CUDA source; see Rope.ts.
import { RopeGrad, type RopeAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { rotate } from './Rope.js';

export const ropeGradConfig: tf.KernelConfig = {
  kernelName: RopeGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { dyQ, dyK, positions } = inputs as {
      dyQ: tf.TensorInfo;
      dyK: tf.TensorInfo;
      positions: tf.TensorInfo;
    };
    return [
      rotate(backend, dyQ, positions, attrs as RopeAttrs, -1),
      rotate(backend, dyK, positions, attrs as RopeAttrs, -1),
    ];
  },
};
