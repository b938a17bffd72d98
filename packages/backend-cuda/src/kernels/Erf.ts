import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const erfConfig = unaryKernelConfig(tf.Erf, FLOAT_OPS.Erf);
