import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipRatioMetrics } from './clip-ratio-metrics.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function read(m: Record<string, tf.Scalar>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.dataSync()[0]!]));
}

describe('clipRatioMetrics', () => {
  it('counts low clips (A < 0) and high clips (A > 0) with separate epsilons', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        // Row A > 0: 1.5 > 1 + 0.28 is a high clip, 1.25 is not; 0.5 is low, but with A > 0 it does not count.
        // Row A < 0: 0.7 < 1 − 0.2 is a low clip; 1.5 is high, but with A < 0 it does not count.
        const ratio = tf.tensor2d([
          [1.25, 1.5, 0.5],
          [0.7, 1.5, 0.9],
        ]);
        const advantages = tf.tensor2d([[1], [-2]]);
        const m = clipRatioMetrics(ratio, advantages, 0.2, 0.28, (x) => tf.mean(x) as tf.Scalar);
        expect(read(m)).toEqual({
          'clip_ratio/low_mean': Math.fround(1 / 6),
          'clip_ratio/high_mean': Math.fround(1 / 6),
          'clip_ratio/region_mean': Math.fround(2 / 6),
        });
      }),
    ));

  it('ignores A = 0', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const m = clipRatioMetrics(
          tf.tensor1d([3, 0.1]),
          tf.zeros([2]),
          0.2,
          0.2,
          (x) => tf.mean(x) as tf.Scalar,
        );
        expect(read(m)['clip_ratio/region_mean']).toBe(0);
      }),
    ));
});
