import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const sinConfig = unaryKernelConfig(tf.Sin, FLOAT_OPS.Sin);
