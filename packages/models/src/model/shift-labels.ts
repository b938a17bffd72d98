import { tf } from '@medgpt/core-tensor';

/**
 * transformers' causal-LM label shift on [batch, T] labels: logits at t are scored against label
 * t + 1, and the last position of each row against `ignoreIndex`. Returns int32 [batch * T] aligned
 * with the [batch * T, vocab] logits rows, so the logits themselves are never sliced.
 */
export function shiftLabels(labels: tf.Tensor2D, ignoreIndex = -100): tf.Tensor1D {
  if (labels.rank !== 2 || labels.dtype !== 'int32') {
    throw new Error(`shiftLabels: labels must be int32 [batch, T], got [${labels.shape}] ${labels.dtype}`);
  }
  const [batch, t] = labels.shape;
  return tf.tidy(() => {
    const next = tf.slice(labels, [0, 1], [batch, t - 1]);
    const tail = tf.fill([batch, 1], ignoreIndex, 'int32');
    return tf.reshape(tf.concat([next, tail], 1), [batch * t]) as tf.Tensor1D;
  });
}
