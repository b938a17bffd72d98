import { tf } from '../tf.js';
import type { CrossEntropyOptions } from './cross-entropy.js';
import { IGNORE_INDEX, resolveReduction } from './logits-labels.js';
import { tokenLogprobsReference } from './token-logprobs-reference.js';

/**
 * `crossEntropy` from stock tfjs ops (materialises [N, V]), differentiated by tfjs's own gradients.
 * Runs on every backend; the oracle for the fused kernels.
 */
export function crossEntropyReference(
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: CrossEntropyOptions = {},
): tf.Scalar {
  const reduction = resolveReduction('crossEntropyReference', opts.reduction);
  return tf.tidy(() => {
    const total = tf.neg(tf.sum(tokenLogprobsReference(logits, labels, opts)));
    if (reduction === 'sum') return total as tf.Scalar;
    const count = tf.sum(tf.cast(tf.notEqual(labels, opts.ignoreIndex ?? IGNORE_INDEX), 'float32'));
    return tf.div(total, tf.maximum(count, 1)) as tf.Scalar;
  });
}
