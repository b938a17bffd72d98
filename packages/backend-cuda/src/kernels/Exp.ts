import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const expConfig = unaryKernelConfig(tf.Exp, FLOAT_OPS.Exp);
