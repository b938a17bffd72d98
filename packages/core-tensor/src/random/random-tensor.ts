import { tf } from '../tf.js';
import { PhiloxRandom } from '../kernel-names.js';
import { checkDistribution, type Distribution } from './distributions.js';
import type { Generator } from './generator.js';

function checkShape(shape: number[]): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(
      `random tensor: shape ${JSON.stringify(shape)} is invalid; expected non-negative integers`,
    );
  }
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A float32 tensor of `shape` drawn from `dist` with `rng` (one PhiloxRandom kernel). It holds the
 * same values as the matching host draw (`rng.normal(size)` ...) from the same generator state.
 */
export function randomTensor(shape: number[], dist: Distribution, rng: Generator): tf.Tensor {
  const size = checkShape(shape);
  checkDistribution(dist);
  const [key0, key1] = rng.key;
  const offset = rng.reserve(size);
  return tf.engine().runKernel(PhiloxRandom, {}, { shape, key0, key1, offset, ...dist }) as tf.Tensor;
}

/** Samples uniform in [low, high). */
export function randomUniform(shape: number[], rng: Generator, low = 0, high = 1): tf.Tensor {
  return randomTensor(shape, { kind: 'uniform', low, high }, rng);
}

/** Normal samples (Box-Muller). */
export function randomNormal(shape: number[], rng: Generator, mean = 0, std = 1): tf.Tensor {
  return randomTensor(shape, { kind: 'normal', mean, std }, rng);
}

/** Normal samples restricted to the absolute bounds [a, b], as torch.nn.init.trunc_normal_. */
export function randomTruncatedNormal(
  shape: number[],
  rng: Generator,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
): tf.Tensor {
  return randomTensor(shape, { kind: 'truncated_normal', mean, std, a, b }, rng);
}
