// Step (the gradient of Relu and Abs): x > 0 ? 1 : alpha, NaN kept.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { FLOAT_OPS, unaryOp } from './unary-op.js';

export const stepConfig: tf.KernelConfig = {
  kernelName: tf.Step,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    return unaryOp(cudaBackend(backend), FLOAT_OPS.Step, x, (attrs as unknown as tf.StepAttrs).alpha);
  },
};
