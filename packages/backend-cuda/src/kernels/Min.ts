import { tf } from '@medgpt/core-tensor';
import { reduceKernelConfig } from './reduce-op.js';

export const minConfig = reduceKernelConfig(tf.Min);
