import { describe, expect, it } from 'vitest';
import { FUSED_KERNELS, tf } from '../index.js';
import { GRADIENT_CONFIGS, STOCK_GRADIENT_OVERRIDES } from './register-all-gradients.js';

describe('register-all-gradients', () => {
  it('registers a gradient for fused kernels only, once each', () => {
    const names = GRADIENT_CONFIGS.map((c) => c.kernelName);
    expect(new Set(names).size).toBe(names.length);
    for (const config of GRADIENT_CONFIGS) {
      expect(FUSED_KERNELS).toContain(config.kernelName);
      expect(tf.getGradient(config.kernelName)).toBe(config);
    }
  });

  it('replaces the stock Sum and Mean gradients (no host ones) with the same values', async () => {
    await tf.setBackend('cpu');
    for (const config of STOCK_GRADIENT_OVERRIDES) expect(tf.getGradient(config.kernelName)).toBe(config);
    const x = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => i * 0.5 - 3),
      [2, 3, 4],
    );
    const w = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      [2, 3, 4],
    );
    const cases: [string, (t: tf.Tensor) => tf.Tensor][] = [
      ['sum axis 1', (t) => tf.sum(tf.mul(tf.sum(t, 1), tf.sum(w, 1)))],
      [
        'sum axes [0, 2] keepDims',
        (t) => tf.sum(tf.mul(tf.sum(t, [0, 2], true), tf.reshape(tf.range(1, 4), [1, 3, 1]))),
      ],
      ['sum all', (t) => tf.mul(tf.sum(tf.mul(t, w)), 3)],
      ['mean axis -1', (t) => tf.sum(tf.mul(tf.mean(t, -1), tf.sum(w, -1)))],
      ['mean all, keepDims', (t) => tf.sum(tf.mul(tf.mean(tf.mul(t, t), undefined, true), 2))],
    ];
    for (const [name, f] of cases) {
      const got = tf.grad(f)(x);
      // The same derivative written without Sum/Mean gradients: d/dx of each case by hand.
      const want = tf.tidy(() => {
        const ones = tf.onesLike(x);
        if (name === 'sum axis 1') return tf.mul(ones, tf.sum(w, 1, true));
        if (name === 'sum axes [0, 2] keepDims') return tf.mul(ones, tf.reshape(tf.range(1, 4), [1, 3, 1]));
        if (name === 'sum all') return tf.mul(w, 3);
        if (name === 'mean axis -1') return tf.mul(ones, tf.div(tf.sum(w, -1, true), 4));
        return tf.mul(x, 4 / 24);
      });
      expect(Array.from(got.dataSync()), name).toEqual(
        Array.from(want.dataSync()).map((v) => expect.closeTo(v, 5)),
      );
      tf.dispose([got, want]);
    }
    tf.dispose([x, w]);
  });
});
