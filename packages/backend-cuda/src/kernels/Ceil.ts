import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const ceilConfig = unaryKernelConfig(tf.Ceil, FLOAT_OPS.Ceil);
