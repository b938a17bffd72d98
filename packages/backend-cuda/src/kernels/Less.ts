import { tf } from '@medgpt/core-tensor';
import { COMPARISON_OPS, binaryKernelConfig } from './binary-op.js';

export const lessConfig = binaryKernelConfig(tf.Less, COMPARISON_OPS.Less);
