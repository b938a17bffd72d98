import { noGrad, tf } from '@medgpt/core-tensor';

const LN2 = Math.log(2);

/**
 * log(1 - exp(x)) for x < 0, computed stably (Mächler 2012, "Accurately computing log(1 - exp(-|a|))"):
 * log1p(-exp(x)) below -ln 2, log(-expm1(x)) above. ORPO needs it for log(1 - p) of a mean log-prob.
 * Each branch only ever sees inputs in its own range, so the unused one cannot put a NaN into the
 * gradient (tf.where passes zeros to it, and 0 * inf would be NaN).
 */
export function log1mexp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const low = tf.log1p(tf.neg(tf.exp(tf.minimum(x, -LN2))));
    const high = tf.log(tf.neg(tf.expm1(tf.maximum(x, -LN2))));
    const useLow = noGrad(() => tf.less(x, -LN2)); // a comparison has no gradient
    return tf.where(useLow, low, high);
  });
}
