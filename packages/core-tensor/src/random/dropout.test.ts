import { describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';
import { dropout } from './dropout.js';
import { Generator } from './generator.js';

describe('dropout', () => {
  it('zeroes about `rate` of the elements and scales the rest by 1/(1-rate)', async () => {
    await tf.setBackend('cpu');
    const rate = 0.3;
    expectNoLeak(() => {
      const x = tf.randomUniform([4000], 1, 2, 'float32', 1);
      const y = dropout(x, rate, new Generator(9));
      const xs = x.dataSync();
      const ys = y.dataSync();
      let zeros = 0;
      for (let i = 0; i < xs.length; i++) {
        if (ys[i] === 0) zeros++;
        else expect(ys[i]).toBeCloseTo(xs[i]! / (1 - rate), 5);
      }
      // Binomial(4000, 0.3): sd = 29; allow 5 sd.
      expect(Math.abs(zeros - 1200)).toBeLessThan(145);
      tf.dispose([x, y]);
    });
  });

  it('is the identity (the same tensor) when not training or rate is 0', () => {
    const x = tf.ones([3]);
    const g = new Generator(1);
    expect(dropout(x, 0.5, g, false)).toBe(x);
    expect(dropout(x, 0, g)).toBe(x);
    expect(g.offset).toBe(0);
    x.dispose();
  });

  it('drops everything at rate 1', () => {
    const x = tf.ones([5]);
    const y = dropout(x, 1, new Generator(1));
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 0, 0]);
    tf.dispose([x, y]);
  });

  it('passes the gradient through the same mask, storing none', () => {
    expectNoLeak(() => {
      const x = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const w = tf.tensor1d([3, -1, 2, 5, 1, 1, -2, 4, 0.5, 7]);
      const g = new Generator(4);
      const state = g.getState();
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(dropout(v, 0.5, g), w)))(x);
      // Replay the mask from the same stream: kept where dropout(1) is non-zero.
      g.setState(state);
      const ones = tf.onesLike(x);
      const mask = dropout(ones, 0.5, g);
      const expected = tf.mul(mask, w);
      expect(Array.from(dx.dataSync())).toEqual(Array.from(expected.dataSync()));
      expect(mask.dataSync().some((v) => v === 0)).toBe(true);
      tf.dispose([x, w, dx, ones, mask, expected]);
    });
  });

  it('same seed, same mask on every host backend', async () => {
    const run = async (backend: string): Promise<number[]> => {
      await tf.setBackend(backend);
      const x = tf.ones([37]);
      const y = dropout(x, 0.4, new Generator(123));
      const v = Array.from(await y.data());
      tf.dispose([x, y]);
      return v;
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
    await tf.setBackend('cpu');
  });

  it('rejects a rate outside [0, 1]', () => {
    const x = tf.ones([2]);
    expect(() => dropout(x, 1.5, new Generator(0))).toThrow(
      /option 'rate' is 1.5; expected a probability in \[0, 1\]/,
    );
    x.dispose();
  });
});
