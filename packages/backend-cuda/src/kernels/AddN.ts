// AddN: the sum of same-shaped tensors (tf.addN; chunked losses sum their parts with it), as a chain
// of in-place elementwise adds into one output.
import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryOp } from './binary-op.js';
import { cudaBackend } from './launch-config.js';

export const addNConfig: tf.KernelConfig = {
  kernelName: tf.AddN,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    if (tensors.length === 1) return backend.alias(tensors[0]!);
    const out = binaryOp(backend, ARITHMETIC_OPS.Add, tensors[0]!, tensors[1]!);
    // Elementwise, so accumulating into the output in place reads each element before writing it.
    for (const t of tensors.slice(2)) binaryOp(backend, ARITHMETIC_OPS.Add, out, t, out);
    return out;
  },
};
