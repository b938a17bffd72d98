import { tf } from '@medgpt/core-tensor';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * torch's gelu(x, approximate='tanh') (transformers' gelu_pytorch_tanh):
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), from plain ops (differentiable by tfjs).
 */
export function geluTanh(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}
