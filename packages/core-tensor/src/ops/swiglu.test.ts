import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { swiglu, swigluReference } from './swiglu.js';

function lossOf(op: typeof swiglu, c: tf.Tensor) {
  return (gate: tf.Tensor, up: tf.Tensor): tf.Scalar => tf.sum(tf.mul(op(gate, up), c));
}

describe.each(['cpu', 'wasm'])('swiglu on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches the closed form silu(g) * u, including saturated gates', () =>
    expectNoLeak(() => {
      const g = [-100, -3, -0.5, 0, 0.5, 3, 100];
      const u = [2, -1, 0.5, 7, -2, 1.5, 0.25];
      const gate = tf.tensor1d(g);
      const up = tf.tensor1d(u);
      const y = swiglu(gate, up);
      const expected = g.map((gi, i) => (gi / (1 + Math.exp(-gi))) * u[i]!);
      expect(closeness(y.dataSync(), expected, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      tf.dispose([gate, up, y]);
    }));

  it('matches the tfjs composite', () =>
    expectNoLeak(() => {
      const gate = tf.randomNormal([9, 24], 0, 3, 'float32', 1);
      const up = tf.randomNormal([9, 24], 0, 1, 'float32', 2);
      const y = swiglu(gate, up);
      const ref = swigluReference(gate, up);
      expect(y.shape).toEqual([9, 24]);
      expect(closeness(y.dataSync(), ref.dataSync(), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      tf.dispose([gate, up, y, ref]);
    }));

  it('has gradients that match finite differences and the composite autograd', () =>
    expectNoLeak(() => {
      const gate = tf.randomNormal([4, 5], 0, 2, 'float32', 3);
      const up = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
      const c = tf.randomNormal([4, 5], 0, 1, 'float32', 5);
      const fused = lossOf(swiglu, c);
      const [gg, gu] = tf.grads(fused)([gate, up]);
      const [rg, ru] = tf.grads(lossOf(swigluReference, c))([gate, up]);
      expect(closeness(gg!.dataSync(), numericGrad(fused, [gate, up], 0), 2e-3, 1e-2)).toBeLessThanOrEqual(1);
      expect(closeness(gu!.dataSync(), numericGrad(fused, [gate, up], 1), 2e-3, 1e-2)).toBeLessThanOrEqual(1);
      expect(closeness(gg!.dataSync(), rg!.dataSync(), 1e-6, 1e-4)).toBeLessThanOrEqual(1);
      expect(closeness(gu!.dataSync(), ru!.dataSync(), 1e-6, 1e-4)).toBeLessThanOrEqual(1);
      tf.dispose([gate, up, c, gg!, gu!, rg!, ru!]);
    }));

  it('rejects bad arguments with the op, argument and shapes', () =>
    expectNoLeak(() => {
      const gate = tf.zeros([2, 4]);
      const upWrong = tf.zeros([4, 2]);
      const upInt = tf.zeros([2, 4], 'int32');
      expect(() => swiglu(gate, upWrong)).toThrow("swiglu: up must have gate's shape [2,4], got [4,2]");
      expect(() => swiglu(gate, upInt)).toThrow('swiglu: up must be float32, got int32');
      expect(() => swiglu(upInt, upInt)).toThrow('swiglu: gate must be float32, got int32');
      tf.dispose([gate, upWrong, upInt]);
    }));
});
