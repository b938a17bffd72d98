import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const tanhConfig = unaryKernelConfig(tf.Tanh, FLOAT_OPS.Tanh);
