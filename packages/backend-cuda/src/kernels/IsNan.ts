import { tf } from '@medgpt/core-tensor';
import { PREDICATE_OPS, predicateKernelConfig } from './unary-op.js';

export const isNanConfig = predicateKernelConfig(tf.IsNan, PREDICATE_OPS.IsNan);
