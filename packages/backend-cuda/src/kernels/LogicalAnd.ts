import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const logicalAndConfig = binaryKernelConfig(tf.LogicalAnd, COMPARISON_OPS.LogicalAnd);
