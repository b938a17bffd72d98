import { tf } from '@medgpt/core-tensor';
import { argReduceKernelConfig } from './reduce-op.js';

export const argMaxConfig = argReduceKernelConfig(tf.ArgMax);
