import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const logConfig = unaryKernelConfig(tf.Log, FLOAT_OPS.Log);
