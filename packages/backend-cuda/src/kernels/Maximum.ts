import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const maximumConfig = binaryKernelConfig(tf.Maximum, ARITHMETIC_OPS.Maximum);
