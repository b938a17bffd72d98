import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const greaterConfig = binaryKernelConfig(tf.Greater, COMPARISON_OPS.Greater);
