import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollSequence } from './roll-sequence.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('rollSequence', () => {
  it('rolls each row along the sequence as torch.roll does', () => {
    // Two rows of 5 tokens, 2 features: token t of row b holds [10b + t, -(10b + t)].
    const rows = Array.from({ length: 10 }, (_, i) => [
      10 * Math.floor(i / 5) + (i % 5),
      -(10 * Math.floor(i / 5) + (i % 5)),
    ]);
    const x = tf.tensor2d(rows);
    const firstFeature = (t: tf.Tensor) => (t.arraySync() as number[][]).map((r) => r[0]);
    // torch.roll(x, -2): out[t] = x[(t + 2) mod 5]
    expect(firstFeature(rollSequence(x, 2, 5, -2))).toEqual([2, 3, 4, 0, 1, 12, 13, 14, 10, 11]);
    expect(firstFeature(rollSequence(x, 2, 5, 1))).toEqual([4, 0, 1, 2, 3, 14, 10, 11, 12, 13]);
    expect(firstFeature(rollSequence(x, 2, 5, 5))).toEqual(firstFeature(x));
  });

  it('rolling by -s then +s gives the input back (activations and [batch, T] masks)', () => {
    const x = tf.randomNormal([3 * 8, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    for (const s of [1, 2, 3, 4, 7, 9]) {
      const back = rollSequence(rollSequence(x, 3, 8, -s), 3, 8, s);
      expect(back.arraySync()).toEqual(x.arraySync());
    }
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
      ],
      undefined,
      'int32',
    );
    expect(rollSequence(mask, 2, 4, -1).arraySync()).toEqual([
      [1, 1, 0, 1],
      [1, 0, 0, 1],
    ]);
    expect(rollSequence(rollSequence(mask, 2, 4, -1), 2, 4, 1).arraySync()).toEqual(mask.arraySync());
    expect(rollSequence(mask, 2, 4, -1).dtype).toBe('int32');
  });
});
