import { tf } from '../tf.js';
import { CrossEntropy, type CrossEntropyAttrs } from '../kernel-names.js';
import {
  checkLogitsLabels,
  resolveIgnoreIndex,
  resolveReduction,
  type LossReduction,
} from './logits-labels.js';

export interface CrossEntropyOptions {
  /** Label of rows that do not count. Default -100 (HF / torch). */
  ignoreIndex?: number;
  /**
   * 'mean' (default): averaged over the counted rows, as torch's cross_entropy. 'sum': the plain sum,
   * for trainers that accumulate micro-batches and divide by the total token count (see countLabels).
   */
  reduction?: LossReduction;
}

/**
 * Softmax cross-entropy, HF / torch semantics: `logits` float32 [N, V], `labels` int32 [N] already
 * aligned with the logits rows (a causal LM shifts them by one first). Returns a float32 scalar.
 * - Rows labelled `ignoreIndex` are skipped. If every row is ignored the loss is 0 with zero gradient
 *   (torch returns NaN there); a label outside [0, V) that is not ignoreIndex is an error.
 * - Differentiable in logits: dlogits = (softmax - onehot) * dy / count ('mean') or * dy ('sum').
 * - The forward reads one row at a time (no [N, V] temporary); the backward writes dlogits once.
 */
export function crossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: CrossEntropyOptions = {},
): tf.Scalar {
  checkLogitsLabels('crossEntropy', logits, labels);
  const attrs: CrossEntropyAttrs = {
    ignoreIndex: resolveIgnoreIndex('crossEntropy', opts.ignoreIndex),
    reduction: resolveReduction('crossEntropy', opts.reduction),
  };
  return tf.engine().runKernel(CrossEntropy, { logits, labels }, attrs) as tf.Scalar;
}
