// Reshape: a new tensor info over the same device memory (no launch). With Identity and ExpandDims, half
// of a training step's dispatches (tfjs-engine-findings section 2).
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, sizeOf } from './launch-config.js';

export const reshapeConfig: tf.KernelConfig = {
  kernelName: tf.Reshape,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { shape } = attrs as unknown as tf.ReshapeAttrs;
    const $shape = tf.util.inferFromImplicitShape(shape, sizeOf(x));
    if (tf.util.sizeFromShape($shape) !== sizeOf(x)) {
      throw new RangeError(`cuda Reshape: cannot reshape [${x.shape}] to [${shape}]`);
    }
    return cudaBackend(backend).alias(x, $shape);
  },
};
