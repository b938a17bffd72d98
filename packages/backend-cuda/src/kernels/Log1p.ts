import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const log1pConfig = unaryKernelConfig(tf.Log1p, FLOAT_OPS.Log1p);
