import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const addConfig = binaryKernelConfig(tf.Add, ARITHMETIC_OPS.Add);
