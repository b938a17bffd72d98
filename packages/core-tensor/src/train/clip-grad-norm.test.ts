import { beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, tf } from '../index.js';
import { clipGradNorm } from './clip-grad-norm.js';
import { loadFixture } from './optimizer-test-utils.js';

interface ClipCase {
  max_norm: number;
  shapes: number[][];
  grads: number[][];
  total_norm: number;
  clipped: number[][];
}
const { cases } = loadFixture<{ cases: ClipCase[] }>('torch-clip-grad-norm.json');

describe('clipGradNorm', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.max_norm, c.total_norm, c] as const))(
    'matches torch clip_grad_norm_ (max_norm %d, total %d)',
    (_m, _t, c) => {
      expectNoLeak(() => {
        const grads = Object.fromEntries(c.shapes.map((s, i) => [`g${i}`, tf.tensor(c.grads[i]!, s)]));
        const r = clipGradNorm(grads, c.max_norm);
        expect(Math.abs(r.totalNorm - c.total_norm) / c.total_norm).toBeLessThan(1e-6);
        expect(r.clipped).toBe(c.max_norm / (c.total_norm + 1e-6) < 1);
        expect(r.finite).toBe(true);
        c.shapes.forEach((_, i) => {
          expect(grads[`g${i}`]!.shape).toEqual(c.shapes[i]);
          expect(closeness(grads[`g${i}`]!.dataSync(), c.clipped[i]!, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        });
        tf.dispose(Object.values(grads));
      });
    },
  );

  it('clips an array in place and reports the factor', () => {
    const grads = [tf.tensor1d([3, 4])];
    const r = clipGradNorm(grads, 1);
    expect(r.totalNorm).toBe(5);
    expect(r.clipCoef).toBe(1 / (5 + 1e-6));
    expect(Array.from(grads[0]!.dataSync())).toEqual(
      Array.from(Float32Array.of(3 * r.clipCoef, 4 * r.clipCoef)),
    );
    tf.dispose(grads);
  });

  it('reports non-finite norms, naming the gradients, and leaves them alone', () => {
    const grads = { ok: tf.tensor1d([1, 2]), bad: tf.tensor1d([NaN, 1]), big: tf.tensor1d([Infinity]) };
    const before = { ...grads };
    const r = clipGradNorm(grads, 1);
    expect(r.finite).toBe(false);
    expect(r.nonFinite).toEqual(['bad', 'big']);
    expect(r.clipped).toBe(false);
    expect(grads).toEqual(before);
    expect(() => clipGradNorm(grads, 1, { errorIfNonfinite: true })).toThrow(
      /total norm of 3 gradients is NaN; non-finite in: bad, big/,
    );
    expect(() => clipGradNorm(grads, 0)).toThrow(/option 'maxNorm' is 0; expected a number > 0/);
    tf.dispose(Object.values(grads));
  });
});
