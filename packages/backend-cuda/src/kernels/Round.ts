import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const roundConfig = unaryKernelConfig(tf.Round, FLOAT_OPS.Round);
