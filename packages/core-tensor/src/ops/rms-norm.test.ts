import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { rmsNorm, rmsNormReference } from './rms-norm.js';

const EPS = 1e-6;

// sum(op(x, w) * c): a scalar whose gradient is op's vector-Jacobian product with c.
function lossOf(op: typeof rmsNorm, c: tf.Tensor, eps = EPS) {
  return (x: tf.Tensor, w: tf.Tensor): tf.Scalar => tf.sum(tf.mul(op(x, w as tf.Tensor1D, eps), c));
}

describe.each(['cpu', 'wasm'])('rmsNorm on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches the closed form on constant rows', () =>
    expectNoLeak(() => {
      const rows = [0.5, -2, 3];
      const w = [1, -0.5, 2, 0.25];
      const x = tf.tensor2d(
        rows.flatMap((a) => w.map(() => a)),
        [3, 4],
      );
      const weight = tf.tensor1d(w);
      const y = rmsNorm(x, weight, EPS);
      const expected = rows.flatMap((a) => w.map((wj) => (wj * a) / Math.sqrt(a * a + EPS)));
      expect(closeness(y.dataSync(), expected, 1e-6, 1e-6)).toBeLessThanOrEqual(1);
      tf.dispose([x, weight, y]);
    }));

  it('matches the tfjs composite on any rank and eps, including per-head [T*heads, headDim]', () =>
    expectNoLeak(() => {
      const cases: [number[], number][] = [
        [[7, 16], EPS],
        [[2, 3, 16], 0.5],
        [[16], EPS],
        [[5 * 4, 16], 1e-5],
      ];
      for (const [shape, eps] of cases) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
        const weight = tf.randomNormal([16], 1, 0.3, 'float32', 2) as tf.Tensor1D;
        const y = rmsNorm(x, weight, eps);
        const ref = rmsNormReference(x, weight, eps);
        expect(y.shape).toEqual(shape);
        expect(closeness(y.dataSync(), ref.dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
        tf.dispose([x, weight, y, ref]);
      }
    }));

  it.each([EPS, 0.5])(
    'has gradients that match finite differences and the composite autograd (eps %s)',
    (eps) =>
      expectNoLeak(() => {
        const x = tf.randomNormal([3, 6], 0, 1, 'float32', 3);
        const weight = tf.randomNormal([6], 1, 0.5, 'float32', 4);
        const c = tf.randomNormal([3, 6], 0, 1, 'float32', 5);
        const fused = lossOf(rmsNorm, c, eps);
        const [gx, gw] = tf.grads(fused)([x, weight]);
        const [rx, rw] = tf.grads(lossOf(rmsNormReference, c, eps))([x, weight]);
        expect(closeness(gx!.dataSync(), numericGrad(fused, [x, weight], 0), 2e-3, 1e-2)).toBeLessThanOrEqual(
          1,
        );
        expect(closeness(gw!.dataSync(), numericGrad(fused, [x, weight], 1), 2e-3, 1e-2)).toBeLessThanOrEqual(
          1,
        );
        expect(closeness(gx!.dataSync(), rx!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
        expect(closeness(gw!.dataSync(), rw!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
        tf.dispose([x, weight, c, gx!, gw!, rx!, rw!]);
      }),
  );

  it('sums the weight gradient over every leading axis', () =>
    expectNoLeak(() => {
      const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6);
      const weight = tf.randomNormal([4], 1, 0.5, 'float32', 7);
      const c = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 8);
      const [gx, gw] = tf.grads(lossOf(rmsNorm, c))([x, weight]);
      const [rx, rw] = tf.grads(lossOf(rmsNormReference, c))([x, weight]);
      expect(gx!.shape).toEqual([2, 3, 4]);
      expect(closeness(gx!.dataSync(), rx!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(closeness(gw!.dataSync(), rw!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      tf.dispose([x, weight, c, gx!, gw!, rx!, rw!]);
    }));

  it('rejects bad arguments with the op, argument and shapes', () =>
    expectNoLeak(() => {
      const x = tf.zeros([2, 4]);
      const w3 = tf.ones([3]) as tf.Tensor1D;
      const w2d = tf.ones([1, 4]) as unknown as tf.Tensor1D;
      const xi = tf.zeros([2, 4], 'int32');
      const w = tf.ones([4]) as tf.Tensor1D;
      const scalar = tf.scalar(1);
      expect(() => rmsNorm(x, w3, EPS)).toThrow(
        "rmsNorm: weight must have shape [4] (x's last dim), got [3]",
      );
      expect(() => rmsNorm(x, w2d, EPS)).toThrow(
        "rmsNorm: weight must have shape [4] (x's last dim), got [1,4]",
      );
      expect(() => rmsNorm(xi, w, EPS)).toThrow('rmsNorm: x must be float32, got int32');
      expect(() => rmsNorm(x, w, -1)).toThrow('rmsNorm: eps must be a finite number >= 0, got -1');
      expect(() => rmsNorm(scalar, w, EPS)).toThrow(
        'rmsNorm: x must have a non-empty last dim, got shape []',
      );
      tf.dispose([x, w3, w2d, xi, w, scalar]);
    }));
});
