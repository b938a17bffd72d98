// SplitV (tf.split; the gradient of Concat): one slice per output.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { sliceOp } from './Slice.js';

export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[$axis] = s;
      const part = sliceOp(backend, x, begin.slice(), size);
      begin[$axis]! += s;
      return part;
    });
  },
};
