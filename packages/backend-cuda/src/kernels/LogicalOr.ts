import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const logicalOrConfig = binaryKernelConfig(tf.LogicalOr, COMPARISON_OPS.LogicalOr);
