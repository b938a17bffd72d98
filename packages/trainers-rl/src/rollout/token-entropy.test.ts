import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanTokenEntropy } from './token-entropy.js';

describe('meanTokenEntropy', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is the mean entropy of softmax(h W^T) over the masked rows, in chunks or not', () =>
    expectNoLeak(() => {
      // Row 0: logits [0, 0] -> uniform over 2: ln 2. Row 1: logits [ln 3, 0] -> p = [3/4, 1/4]. Row 2 masked out.
      const h = tf.tensor2d([
        [0, 0],
        [Math.log(3), 0],
        [5, -5],
      ]);
      const w = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      const mask = Float32Array.from([1, 1, 0]);
      const h1 = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
      const expected = (Math.log(2) + h1) / 2;
      for (const chunk of [1, 1024]) {
        const e = meanTokenEntropy(h, w, mask, chunk);
        expect(e.dataSync()[0]).toBeCloseTo(expected, 6);
        e.dispose();
      }
      const none = meanTokenEntropy(h, w, new Float32Array(3));
      expect(none.dataSync()[0]).toBe(0);
      tf.dispose([h, w, none]);
    }));
});
