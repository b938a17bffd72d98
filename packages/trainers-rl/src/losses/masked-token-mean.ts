import { noGrad, tf } from '@medgpt/core-tensor';

/**
 * Σ x·m / max(Σ m, minCount) over every element: the mean over the tokens a 0/1 mask keeps (x may
 * broadcast against the mask). minCount 0 is TRL's masked_mean (NaN on an empty mask); 1 is the
 * `.clamp(min=1)` its GRPO metrics use. The count is a constant to any backward.
 */
export function maskedTokenMean(x: tf.Tensor, mask: tf.Tensor, minCount = 0): tf.Scalar {
  return tf.tidy(() => {
    const count = noGrad(() => tf.maximum(tf.sum(mask), minCount));
    return tf.div(tf.sum(tf.mul(x, mask)), count) as tf.Scalar;
  });
}
