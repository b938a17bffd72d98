import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const multiplyConfig = binaryKernelConfig(tf.Multiply, ARITHMETIC_OPS.Multiply);
