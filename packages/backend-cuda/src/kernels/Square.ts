import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const squareConfig = unaryKernelConfig(tf.Square, FLOAT_OPS.Square);
