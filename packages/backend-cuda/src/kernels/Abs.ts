import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const absConfig = unaryKernelConfig(tf.Abs, FLOAT_OPS.Abs);
