import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const softplusConfig = unaryKernelConfig(tf.Softplus, FLOAT_OPS.Softplus);
