// ExpandDims: an alias of the input with a unit axis inserted, no launch.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';

export const expandDimsConfig: tf.KernelConfig = {
  kernelName: tf.ExpandDims,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { input } = inputs as { input: tf.TensorInfo };
    const { dim } = attrs as unknown as tf.ExpandDimsAttrs;
    const rank = input.shape.length;
    const at = dim < 0 ? rank + dim + 1 : dim;
    if (!(at >= 0 && at <= rank))
      throw new RangeError(`cuda ExpandDims: dim ${dim} is outside [-${rank + 1}, ${rank}]`);
    const shape = input.shape.slice();
    shape.splice(at, 0, 1);
    return cudaBackend(backend).alias(input, shape);
  },
};
