import { tf } from '@medgpt/core-tensor';

/**
 * torch.roll along the sequence: x holds `batch` rows of `seqLen` tokens (token-major, [batch * T, W]
 * activations or [batch, T] masks); token t of each row becomes (t + shift) mod T, so out[t] =
 * x[(t - shift) mod T]. Rolling by -s then +s gives x back. Returns x's shape.
 */
export function rollSequence<T extends tf.Tensor>(x: T, batch: number, seqLen: number, shift: number): T {
  const start = ((-shift % seqLen) + seqLen) % seqLen;
  if (start === 0) return tf.clone(x);
  return tf.tidy(() => {
    const rows = tf.reshape(x, [batch, seqLen, x.size / (batch * seqLen)]);
    const head = tf.slice(rows, [0, start, 0], [batch, seqLen - start, -1]);
    const tail = tf.slice(rows, [0, 0, 0], [batch, start, -1]);
    return tf.reshape(tf.concat([head, tail], 1), x.shape) as T;
  });
}
