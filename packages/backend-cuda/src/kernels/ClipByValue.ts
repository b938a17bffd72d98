import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { FLOAT_OPS, unaryOp } from './unary-op.js';

export const clipByValueConfig: tf.KernelConfig = {
  kernelName: tf.ClipByValue,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { clipValueMin, clipValueMax } = attrs as unknown as tf.ClipByValueAttrs;
    const { x } = inputs as { x: tf.TensorInfo };
    return unaryOp(cudaBackend(backend), FLOAT_OPS.ClipByValue, x, clipValueMin, clipValueMax);
  },
};
