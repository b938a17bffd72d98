import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const reluConfig = unaryKernelConfig(tf.Relu, FLOAT_OPS.Relu);
