import { tf } from '@medgpt/core-tensor';
import { ARITHMETIC_OPS, binaryKernelConfig } from './binary-op.js';

export const squaredDifferenceConfig = binaryKernelConfig(
  tf.SquaredDifference,
  ARITHMETIC_OPS.SquaredDifference,
);
