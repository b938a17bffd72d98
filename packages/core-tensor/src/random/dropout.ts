import { tf } from '../tf.js';
import { PhiloxDropout } from '../kernel-names.js';
import type { Generator } from './generator.js';

/**
 * Inverted dropout: zeroes each element with probability `rate` and scales the rest by
 * 1 / (1 - rate), drawing the mask from `rng` (one PhiloxDropout kernel forward, one backward; no
 * mask is stored). When `training` is false or `rate` is 0 it returns `x` itself, as torch does.
 */
export function dropout(x: tf.Tensor, rate: number, rng: Generator, training = true): tf.Tensor {
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`dropout: option 'rate' is ${rate}; expected a probability in [0, 1]`);
  }
  if (!training || rate === 0) return x;
  if (x.dtype !== 'float32') {
    throw new TypeError(`dropout: x has dtype ${x.dtype}; expected float32`);
  }
  const [key0, key1] = rng.key;
  const offset = rng.reserve(x.size);
  return tf.engine().runKernel(PhiloxDropout, { x }, { rate, key0, key1, offset }) as tf.Tensor;
}
