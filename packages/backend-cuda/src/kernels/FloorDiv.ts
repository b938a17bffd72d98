import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const floorDivConfig = binaryKernelConfig(tf.FloorDiv, ARITHMETIC_OPS.FloorDiv);
