import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const modConfig = binaryKernelConfig(tf.Mod, ARITHMETIC_OPS.Mod);
