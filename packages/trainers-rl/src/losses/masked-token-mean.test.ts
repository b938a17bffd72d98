import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedTokenMean } from './masked-token-mean.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('maskedTokenMean', () => {
  it('averages the kept tokens, broadcasting x, with its gradient m / Σm', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor2d([
          [1, 2, 100],
          [4, -50, -60],
        ]);
        const mask = tf.tensor2d([
          [1, 1, 0],
          [1, 0, 0],
        ]);
        const { value, grads } = valueAndGradients(() => maskedTokenMean(x, mask), [x]);
        expect(value.dataSync()[0]).toBeCloseTo(7 / 3, 6);
        expect(Array.from(grads[0]!.dataSync())).toEqual([1 / 3, 1 / 3, 0, 1 / 3, 0, 0].map(Math.fround));
        const perRow = tf.tensor2d([[2], [5]]);
        expect(maskedTokenMean(perRow, mask).dataSync()[0]).toBeCloseTo((2 + 2 + 5) / 3, 6);
      }),
    ));

  it('is NaN on an empty mask unless the count is clamped', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.ones([1, 2]);
        const empty = tf.zeros([1, 2]);
        expect(maskedTokenMean(x, empty).dataSync()[0]).toBeNaN();
        expect(maskedTokenMean(x, empty, 1).dataSync()[0]).toBe(0);
      }),
    ));
});
