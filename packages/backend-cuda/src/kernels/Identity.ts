// Reshape, ExpandDims and Identity: new tensor infos over the same device memory (no launch). Half of a training
// step's dispatches are these (tfjs-engine-findings section 2).
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, sizeOf } from './launch-config.js';

export const reshapeConfig: tf.KernelConfig = {
  kernelName: 'Reshape',
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

export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend }) => cudaBackend(backend).alias((inputs as { x: tf.TensorInfo }).x),
};

export const expandDimsConfig: tf.KernelConfig = {
  kernelName: 'ExpandDims',
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
