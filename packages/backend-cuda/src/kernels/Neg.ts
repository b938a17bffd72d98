import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const negConfig = unaryKernelConfig(tf.Neg, FLOAT_OPS.Neg);
