import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const equalConfig = binaryKernelConfig(tf.Equal, COMPARISON_OPS.Equal);
