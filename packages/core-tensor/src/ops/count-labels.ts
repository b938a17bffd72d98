import { tf } from '../tf.js';
import { checkLabels, resolveIgnoreIndex } from './logits-labels.js';

/**
 * int32 scalar: how many of `labels` (int32 [N]) are not `ignoreIndex` (default -100), i.e. the tokens a
 * cross-entropy with reduction 'mean' divides by. Trainers that accumulate micro-batches sum the
 * 'sum'-reduced losses and these counts, and divide once.
 */
export function countLabels(labels: tf.Tensor, opts: { ignoreIndex?: number } = {}): tf.Scalar {
  checkLabels('countLabels', labels, labels.shape[0] ?? 0);
  const ignoreIndex = resolveIgnoreIndex('countLabels', opts.ignoreIndex);
  return tf.tidy(() => tf.sum(tf.cast(tf.notEqual(labels, ignoreIndex), 'int32')));
}
