// Pack (tf.stack): Concat's copies along a new axis.
import { tf } from '@medgpt/core-tensor';
import { checkSameDtype, concatInto } from './Concat.js';
import { cudaBackend } from './launch-config.js';

export const packConfig: tf.KernelConfig = {
  kernelName: tf.Pack,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    const first = tensors[0]!;
    const axis = tf.util.parseAxisParam((attrs as unknown as tf.PackAttrs).axis, [...first.shape, 1])[0]!;
    const dtype = checkSameDtype(tf.Pack, tensors);
    for (const t of tensors) {
      if (!tf.util.arraysEqual(t.shape, first.shape)) {
        throw new RangeError(`cuda Pack: shapes [${first.shape}] and [${t.shape}] differ`);
      }
    }
    const shape = [...first.shape.slice(0, axis), tensors.length, ...first.shape.slice(axis)];
    const out = backend.makeTensorInfo(shape, dtype);
    const outer = first.shape.slice(0, axis).reduce((a, d) => a * d, 1);
    concatInto(backend, tensors, outer, out);
    return out;
  },
};
