import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const expm1Config = unaryKernelConfig(tf.Expm1, FLOAT_OPS.Expm1);
