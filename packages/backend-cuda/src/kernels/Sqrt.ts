import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const sqrtConfig = unaryKernelConfig(tf.Sqrt, FLOAT_OPS.Sqrt);
