import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const reciprocalConfig = unaryKernelConfig(tf.Reciprocal, FLOAT_OPS.Reciprocal);
