import { tf } from '../tf.js';
import { checkLogitsLabels, resolveIgnoreIndex } from './logits-labels.js';
import type { TokenLogprobsOptions } from './token-logprobs.js';

/**
 * `tokenLogprobs` from stock tfjs ops (logSoftmax, oneHot): materialises [N, V] temporaries and is
 * differentiated by tfjs's own gradients. Runs on every backend; the oracle for the fused kernels.
 */
export function tokenLogprobsReference(
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: TokenLogprobsOptions = {},
): tf.Tensor1D {
  checkLogitsLabels('tokenLogprobsReference', logits, labels);
  const ignoreIndex = resolveIgnoreIndex('tokenLogprobsReference', opts.ignoreIndex);
  return tf.tidy(() => {
    const counted = tf.notEqual(labels, ignoreIndex);
    const classes = tf.where(counted, labels, tf.zerosLike(labels)) as tf.Tensor1D;
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(classes, logits.shape[1]!)), 1);
    return tf.mul(picked, tf.cast(counted, 'float32')) as tf.Tensor1D;
  });
}
