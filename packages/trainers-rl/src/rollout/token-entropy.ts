import { noGrad, tf } from '@medgpt/core-tensor';

/**
 * The mean entropy of the next-token distributions at the masked rows of `hidden` [N, H] (already
 * divided by the temperature) under the head `weight` [V, H]: TRL's `entropy` metric. Off the tape, and
 * `chunk` rows of logits at a time, so the [N, V] logits never exist. Returns a scalar (0 when no row
 * is masked).
 */
export function meanTokenEntropy(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  mask: Float32Array,
  chunk = 1024,
): tf.Scalar {
  const rows = Array.from(mask.keys()).filter((i) => mask[i]! > 0);
  return noGrad(() =>
    tf.tidy(() => {
      if (rows.length === 0) return tf.scalar(0);
      let total: tf.Tensor = tf.scalar(0);
      for (let s = 0; s < rows.length; s += chunk) {
        const at = tf.tensor1d(rows.slice(s, s + chunk), 'int32');
        const logits = tf.matMul(tf.gather(hidden, at), weight, false, true);
        const logp = tf.logSoftmax(logits);
        // H = -Σ p log p per row.
        total = tf.add(total, tf.neg(tf.sum(tf.mul(tf.exp(logp), logp))));
      }
      return tf.div(total, rows.length) as tf.Scalar;
    }),
  );
}
