// @medgpt/core-tensor: the tensor engine every medgpt stage stands on.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export { tf } from './tf.js';
export type { Tensor, TensorInfo } from './tf.js';
export * from './backends/index.js';
export * from './kernel-names.js';
export * from './kernels/index.js';
export * from './gradients/index.js';
export * from './safetensors/index.js';
export * from './ops/index.js';
export * from './train/index.js';
export * from './random/index.js';
export * from './engine/index.js';
export * from './io/index.js';
export * from './testing/index.js';
export * from './conformance/index.js';
