import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const subConfig = binaryKernelConfig(tf.Sub, ARITHMETIC_OPS.Sub);
