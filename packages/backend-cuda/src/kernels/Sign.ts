import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const signConfig = unaryKernelConfig(tf.Sign, FLOAT_OPS.Sign);
