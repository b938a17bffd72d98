import { tf } from '@medgpt/core-tensor';

/** Gemma 2's soft-capping: cap * tanh(x / cap), a smooth clamp of x to (-cap, cap). */
export function softcap<T extends tf.Tensor>(x: T, cap: number): T {
  return tf.tidy(() => tf.mul(tf.tanh(tf.div(x, cap)), cap));
}
