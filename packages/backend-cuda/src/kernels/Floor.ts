import { tf } from '@medgpt/core-tensor';
import { FLOAT_OPS, unaryKernelConfig } from './unary-op.js';

export const floorConfig = unaryKernelConfig(tf.Floor, FLOAT_OPS.Floor);
