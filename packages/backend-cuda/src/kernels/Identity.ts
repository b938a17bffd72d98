// Identity (engine.clone() of every tensor a gradient saves): an alias of the input, no launch.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend }) => cudaBackend(backend).alias((inputs as { x: tf.TensorInfo }).x),
};
