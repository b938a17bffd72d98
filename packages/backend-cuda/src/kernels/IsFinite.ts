import { tf } from '@medgpt/core-tensor';
import { PREDICATE_OPS, predicateKernelConfig } from './unary-op.js';

export const isFiniteConfig = predicateKernelConfig(tf.IsFinite, PREDICATE_OPS.IsFinite);
