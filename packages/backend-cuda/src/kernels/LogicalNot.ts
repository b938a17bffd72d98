import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';
import { logicalNotOp } from './unary-op.js';

export const logicalNotConfig: tf.KernelConfig = {
  kernelName: tf.LogicalNot,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend }) => logicalNotOp(cudaBackend(backend), (inputs as { x: tf.TensorInfo }).x),
};
