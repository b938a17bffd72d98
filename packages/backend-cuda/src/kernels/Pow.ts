import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const powConfig = binaryKernelConfig(tf.Pow, ARITHMETIC_OPS.Pow);
