import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const cosConfig = unaryKernelConfig(tf.Cos, FLOAT_OPS.Cos);
