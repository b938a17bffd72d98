import { tf } from '@medgpt/core-tensor';
import type { LoraModule } from './lora-adapter.js';

/** ΔW = scale · B A, [out, in]: what LoRA adds to the base weight. */
export function deltaWeight(m: LoraModule): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.matMul(m.loraB, m.loraA), m.scale) as tf.Tensor2D);
}

/**
 * The base weight with the adapter folded in, as peft's merge: W + ΔW, or for DoRA (m / n) ⊙ (W + ΔW)
 * with n = ||W + ΔW|| per row. Returns the new weight and, for DoRA, n (needed to unmerge).
 */
export function mergedWeight(
  w: tf.Tensor2D,
  m: LoraModule,
): { weight: tf.Tensor2D; norm: tf.Tensor1D | null } {
  const sum = tf.tidy(() => tf.add(w, deltaWeight(m)) as tf.Tensor2D);
  if (!m.magnitude) return { weight: sum, norm: null };
  const norm = tf.tidy(() => tf.norm(sum, 'euclidean', 1) as tf.Tensor1D);
  const weight = tf.tidy(() => tf.mul(sum, tf.reshape(tf.div(m.magnitude!, norm), [-1, 1])) as tf.Tensor2D);
  sum.dispose();
  return { weight, norm };
}

/** peft's unmerge: the base weight recovered from a merged one (exact up to float32 rounding). */
export function unmergedWeight(merged: tf.Tensor2D, m: LoraModule, norm: tf.Tensor1D | null): tf.Tensor2D {
  return tf.tidy(() => {
    const undone = m.magnitude ? tf.div(merged, tf.reshape(tf.div(m.magnitude, norm!), [-1, 1])) : merged;
    return tf.sub(undone, deltaWeight(m)) as tf.Tensor2D;
  });
}
