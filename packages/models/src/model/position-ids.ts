import { tf } from '@medgpt/core-tensor';

/**
 * transformers' position ids for a padded batch: cumsum(mask) - 1 along each row, with padding at 1
 * (what `generate` feeds the model). `mask` int32 [batch, T] -> int32 [batch, T].
 */
export function positionIdsFromMask(mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const counted = tf.sub(tf.cumsum(mask, 1), tf.scalar(1, 'int32'));
    return tf.where(tf.equal(mask, tf.scalar(0, 'int32')), tf.onesLike(counted), counted) as tf.Tensor2D;
  });
}

/** The same on host rows (for generation's bookkeeping). */
export function hostPositionIds(mask: ArrayLike<number>): Int32Array {
  const out = new Int32Array(mask.length);
  let seen = 0;
  for (let j = 0; j < mask.length; j++) {
    if (mask[j]) out[j] = seen++;
    else out[j] = 1;
  }
  return out;
}
