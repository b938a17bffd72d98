import { tf } from '@medgpt/core-tensor';

/** torch's F.normalize(w) over rows: w / max(||w_i||, 1e-12) (Baichuan 2's NormHead). Differentiable. */
export function normalizeRows(w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(w, tf.maximum(tf.sqrt(tf.sum(tf.square(w), 1, true)), 1e-12)));
}
