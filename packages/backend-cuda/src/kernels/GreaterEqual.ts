import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const greaterEqualConfig = binaryKernelConfig(tf.GreaterEqual, COMPARISON_OPS.GreaterEqual);
