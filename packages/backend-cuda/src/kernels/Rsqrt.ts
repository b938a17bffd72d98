import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const rsqrtConfig = unaryKernelConfig(tf.Rsqrt, FLOAT_OPS.Rsqrt);
