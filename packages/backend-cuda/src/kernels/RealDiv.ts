import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const realDivConfig = binaryKernelConfig(tf.RealDiv, ARITHMETIC_OPS.RealDiv);
