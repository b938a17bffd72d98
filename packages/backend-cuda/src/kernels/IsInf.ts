import { tf } from '@medgpt/core-tensor';
import { PREDICATE_OPS, predicateKernelConfig } from './unary-op.js';

export const isInfConfig = predicateKernelConfig(tf.IsInf, PREDICATE_OPS.IsInf);
