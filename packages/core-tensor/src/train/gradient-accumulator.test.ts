import { beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, tf } from '../index.js';
import { GradientAccumulator } from './gradient-accumulator.js';

describe('GradientAccumulator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // loss_k(w) = sum(w * x_k): its gradient is x_k, so the sums have a closed form.
  const micro = [
    [1, 2, 3],
    [4, -5, 6],
    [0.5, 0.25, -1],
  ];

  it('sums micro-batch gradients from variableGrads inside tidy scopes, without leaks', () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([3]), true, 'acc.w'));
    const acc = new GradientAccumulator();
    expectNoLeak(() => {
      micro.forEach((x, k) =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(w, tf.tensor1d(x))), [w]);
          acc.add(grads, 10 * (k + 1));
          tf.dispose([value, ...Object.values(grads)]);
        }),
      );
      expect(acc.microSteps).toBe(3);
      expect(acc.tokens).toBe(60);
      const sum = micro.reduce((a, x) => a.map((v, i) => v + x[i]!), [0, 0, 0]);
      for (const [mode, div] of [
        ['sum', 1],
        ['mean', 3],
        ['tokens', 60],
      ] as const) {
        const r = acc.result(mode);
        expect(
          closeness(
            r['acc.w']!.dataSync(),
            sum.map((v) => v / div),
            1e-7,
            1e-6,
          ),
        ).toBeLessThanOrEqual(1);
        tf.dispose(Object.values(r));
      }
      acc.reset();
      expect(acc.microSteps).toBe(0);
      expect(acc.names).toEqual([]);
    });
    w.dispose();
  });

  it('keeps its first buffer when the caller disposes the gradient', () => {
    const acc = new GradientAccumulator();
    const g = tf.tensor1d([1, 2]);
    acc.add({ a: g });
    g.dispose();
    const r = acc.result('sum');
    expect(Array.from(r['a']!.dataSync())).toEqual([1, 2]);
    tf.dispose(Object.values(r));
    acc.dispose();
  });

  it('explains misuse', () => {
    const acc = new GradientAccumulator();
    expect(() => acc.result()).toThrow(/nothing was added/);
    const a = tf.zeros([2]);
    const b = tf.zeros([3]);
    acc.add({ a });
    expect(() => acc.add({ a: b })).toThrow(/gradient 'a' has shape \[3\]; earlier ones had \[2\]/);
    expect(() => acc.result('tokens')).toThrow(/'tokens' needs the token counts/);
    expect(() => acc.result('median' as never)).toThrow(
      /normalization 'median' is unknown; expected mean, tokens or sum/,
    );
    expect(() => acc.add({ a }, -1)).toThrow(/tokens is -1/);
    tf.dispose([a, b]);
    acc.dispose();
  });
});
