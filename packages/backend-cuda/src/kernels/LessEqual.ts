import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const lessEqualConfig = binaryKernelConfig(tf.LessEqual, COMPARISON_OPS.LessEqual);
