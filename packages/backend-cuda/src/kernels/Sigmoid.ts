import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const sigmoidConfig = unaryKernelConfig(tf.Sigmoid, FLOAT_OPS.Sigmoid);
