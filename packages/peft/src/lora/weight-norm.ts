import { tf } from '@medgpt/core-tensor';

/**
 * DoRA's ||W + scale · B A|| per output row, [out], treated as a constant: peft detaches it (DoRA paper
 * §4.3), so A and B get no gradient through it. tfjs has no stop-gradient op; a custom gradient that
 * returns zeros for A and B gives the same result.
 */
export function weightNorm(
  weight: tf.Tensor2D,
  loraA: tf.Tensor2D,
  loraB: tf.Tensor2D,
  scale: number,
): tf.Tensor1D {
  const norm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b] = args as [tf.Tensor2D, tf.Tensor2D];
    return {
      value: tf.tidy(() => tf.norm(tf.add(weight, tf.mul(tf.matMul(b, a), scale)), 'euclidean', 1)),
      gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)],
    };
  });
  return norm(loraA, loraB) as tf.Tensor1D;
}
