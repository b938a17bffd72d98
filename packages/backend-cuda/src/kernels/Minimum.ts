import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const minimumConfig = binaryKernelConfig(tf.Minimum, ARITHMETIC_OPS.Minimum);
