import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const notEqualConfig = binaryKernelConfig(tf.NotEqual, COMPARISON_OPS.NotEqual);
