import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { klK1, klK3 } from './kl-estimators.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LP = [-1, -2, -0.25, -3];
const REF = [-1.5, -1, -0.25, -0.5];

describe('klK1 and klK3', () => {
  it('k1 = logps − ref, with gradient 1', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const lp = tf.tensor1d(LP);
        const ref = tf.tensor1d(REF);
        const { value, grads } = valueAndGradients(() => tf.sum(klK1(lp, ref)) as tf.Scalar, [lp]);
        Array.from(klK1(lp, ref).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(LP[i]! - REF[i]!, 6));
        expect(value.dataSync()[0]).toBeCloseTo(0.5 - 1 + 0 - 2.5, 6);
        expect(Array.from(grads[0]!.dataSync())).toEqual([1, 1, 1, 1]);
      }),
    ));

  it('k3 = exp(d) − d − 1 with d = ref − logps, and ∂/∂logps = 1 − exp(d)', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const lp = tf.tensor2d(LP, [2, 2]);
        const ref = tf.tensor2d(REF, [2, 2]);
        const d = REF.map((r, i) => r - LP[i]!); // −0.5, 1, 0, 2.5
        const { value, grads } = valueAndGradients(() => tf.sum(klK3(lp, ref)) as tf.Scalar, [lp]);
        const k3 = klK3(lp, ref);
        expect(k3.shape).toEqual([2, 2]);
        Array.from(k3.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(d[i]!) - d[i]! - 1, 6));
        expect(value.dataSync()[0]).toBeCloseTo(
          d.reduce((s, x) => s + Math.exp(x) - x - 1, 0),
          5,
        );
        Array.from(grads[0]!.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(1 - Math.exp(d[i]!), 5));
      }),
    ));

  it('k3 is never negative and stays accurate for tiny log-ratios', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const lp = tf.randomNormal([64], 0, 2, 'float32', 7);
        const ref = tf.randomNormal([64], 0, 2, 'float32', 8);
        expect(tf.min(klK3(lp, ref)).dataSync()[0]).toBeGreaterThanOrEqual(0);
        const d = Math.fround(1e-3);
        const tiny = klK3(tf.zeros([1]), tf.tensor1d([d])).dataSync()[0]!;
        expect(tiny / ((d * d) / 2 + (d * d * d) / 6)).toBeCloseTo(1, 3);
      }),
    ));

  it('rejects mismatched shapes and dtypes', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        expect(() => klK3(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(
          "klK3: refLogps must have shape [2,3] (logps's), got [3,2]",
        );
        expect(() => klK1(tf.zeros([2], 'int32'), tf.zeros([2]))).toThrow(
          'klK1: logps must be float32, got int32',
        );
      }),
    ));
});
