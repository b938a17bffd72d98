import { tf } from '@medgpt/core-tensor';

/**
 * log σ(x) = -softplus(-x), stable for large |x|. (tfjs's own tf.logSigmoid is a customGrad whose
 * backward reads a tensor its forward already freed, on the cpu backend of tfjs-core 4.22.)
 */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))));
}
