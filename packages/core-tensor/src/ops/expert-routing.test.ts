import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { expertRouting } from './expert-routing.js';

describe.each(['cpu', 'wasm'])('expertRouting on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('picks each row’s top k (ties: lower expert) and sorts the slots by expert, token order within', () =>
    expectNoLeak(() => {
      // 3 tokens, 4 experts, top-2: token 0 -> experts 2, 0; token 1 -> 0, 1 (tie with 3: lower wins); token 2 -> 2, 1.
      const probs = tf.tensor2d([0.3, 0.1, 0.5, 0.1, 0.4, 0.2, 0.1, 0.2, 0.1, 0.3, 0.5, 0.1], [3, 4]);
      const r = expertRouting(probs, 2);
      expect(Array.from(r.experts.dataSync())).toEqual([2, 0, 0, 1, 2, 1]);
      expect(Array.from(r.groupSizes.dataSync())).toEqual([2, 2, 2, 0]);
      expect(Array.from(r.tokenOfPosition.dataSync())).toEqual([0, 1, 1, 2, 0, 2]);
      expect(Array.from(r.positionOfSlot.dataSync())).toEqual([4, 0, 1, 2, 5, 3]);
      tf.dispose([probs, r.experts, r.groupSizes, r.tokenOfPosition, r.positionOfSlot]);
    }));

  it('ranks NaN below every number and gives the probabilities a zero gradient', () =>
    expectNoLeak(() => {
      const probs = tf.tensor2d([NaN, -1, 0.5], [1, 3]);
      const r = expertRouting(probs, 2);
      expect(Array.from(r.experts.dataSync())).toEqual([2, 1]);
      const g = tf.grad((p: tf.Tensor) =>
        tf.sum(tf.cast(expertRouting(p as tf.Tensor2D, 1).experts, 'float32')),
      )(probs);
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
      tf.dispose([probs, r.experts, r.groupSizes, r.tokenOfPosition, r.positionOfSlot, g]);
    }));

  it('rejects a k outside [1, experts]', () => {
    const probs = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => expertRouting(probs, 4)).toThrow('expertRouting: k must be an integer in [1, 3]');
    probs.dispose();
  });
});
