// Unpack (tf.unstack; the gradient of Pack): one slice per output, the unit axis dropped by an alias.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { sliceOp } from './Slice.js';

export const unpackConfig: tf.KernelConfig = {
  kernelName: tf.Unpack,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { value } = inputs as { value: tf.TensorInfo };
    const axis = tf.util.parseAxisParam((attrs as unknown as tf.UnpackAttrs).axis, value.shape)[0]!;
    const size = value.shape.slice();
    size[axis] = 1;
    const outShape = value.shape.filter((_, d) => d !== axis);
    return Array.from({ length: value.shape[axis]! }, (_, i) => {
      const begin = new Array<number>(value.shape.length).fill(0);
      begin[axis] = i;
      const part = sliceOp(backend, value, begin, size);
      // Dropping the unit axis keeps the data: a new info over the same buffer.
      const squeezed = backend.alias(part, outShape);
      backend.disposeIntermediateTensorInfo(part);
      return squeezed;
    });
  },
};
