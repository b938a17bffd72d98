import { tf } from '@medgpt/core-tensor';
import { reduceKernelConfig } from './reduce-op.js';

export const prodConfig = reduceKernelConfig(tf.Prod);
