import { noGrad, tf } from '@medgpt/core-tensor';

/** TRL's clip metrics of GRPO and RLOO: the share of tokens (or sequences) whose ratio was clipped. */
export type ClipRatioMetrics = {
  /** ratio < 1 − ε with A < 0: the update stopped pushing a bad token's probability down. */
  'clip_ratio/low_mean': tf.Scalar;
  /** ratio > 1 + ε_high with A > 0: the update stopped pushing a good token's probability up. */
  'clip_ratio/high_mean': tf.Scalar;
  /** Either. */
  'clip_ratio/region_mean': tf.Scalar;
};

/**
 * The clip metrics, computed off the tape. `ratio` is the importance ratio, `advantages` broadcasts
 * against it, and `mean` reduces a 0/1 float32 indicator of ratio's shape to the batch's fraction
 * (a masked token mean, or a plain mean over sequences).
 */
export function clipRatioMetrics(
  ratio: tf.Tensor,
  advantages: tf.Tensor,
  epsilonLow: number,
  epsilonHigh: number,
  mean: (indicator: tf.Tensor) => tf.Scalar,
): ClipRatioMetrics {
  return noGrad(() =>
    tf.tidy(() => {
      const low = tf.logicalAnd(tf.less(ratio, 1 - epsilonLow), tf.less(advantages, 0));
      const high = tf.logicalAnd(tf.greater(ratio, 1 + epsilonHigh), tf.greater(advantages, 0));
      const fraction = (b: tf.Tensor) => mean(tf.cast(b, 'float32'));
      return {
        'clip_ratio/low_mean': fraction(low),
        'clip_ratio/high_mean': fraction(high),
        'clip_ratio/region_mean': fraction(tf.logicalOr(low, high)),
      };
    }),
  );
}
