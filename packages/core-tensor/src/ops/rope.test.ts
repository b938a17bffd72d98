import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { rope, ropeReference, type RopeOptions } from './rope.js';
import { ropeFrequencies } from './rope-frequencies.js';

const HEAD_DIM = 8;
const full: RopeOptions = {
  headDim: HEAD_DIM,
  ...ropeFrequencies({ headDim: 8, ropeTheta: 10000, maxPositionEmbeddings: 64 }),
};
// Rotary dim 4 of 8 with a YaRN-like scaling: the last 4 features of each head pass through untouched.
const partial: RopeOptions = { headDim: HEAD_DIM, invFreq: [0.7, 0.05], attentionScaling: 1.3 };

// Left-padded batch of two sequences (HF fills pad positions with 1), then a far position range that
// is wider than the token count.
const PADDED = [1, 1, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5];
const FAR = [5000, 17, 123456, 3, 0, 99];

function rowsOf(values: tf.TypedArray, width: number, row: number): ArrayLike<number> {
  return values.subarray(row * width, (row + 1) * width);
}

describe.each(['cpu', 'wasm'])('rope on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('turns the pair (1, 0) into (s cos, s sin) of position * invFreq and keeps the unrotated tail', () =>
    expectNoLeak(() => {
      const positions = [0, 3, 250];
      const row = [1, 1, 0, 0, 5, 6, 7, 8];
      const q = tf.tensor2d(
        positions.flatMap(() => [...row, ...row]),
        [3, 16],
      );
      const k = tf.tensor2d(
        positions.flatMap(() => row),
        [3, 8],
      );
      const pos = tf.tensor1d(positions, 'int32');
      const [qr, kr] = rope(q, k, pos, partial);
      const inv = partial.invFreq as number[];
      const s = partial.attentionScaling!;
      const expectRow = (t: number) => {
        const a = inv.map((f) => positions[t]! * f);
        return [...a.map((x) => s * Math.cos(x)), ...a.map((x) => s * Math.sin(x)), 5, 6, 7, 8];
      };
      const qv = qr.dataSync();
      const kv = kr.dataSync();
      positions.forEach((_, t) => {
        const expected = expectRow(t);
        expect(closeness(rowsOf(qv, 8, 2 * t), expected, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        expect(closeness(rowsOf(qv, 8, 2 * t + 1), expected, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        expect(closeness(rowsOf(kv, 8, t), expected, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      });
      tf.dispose([q, k, pos, qr, kr]);
    }));

  it('preserves norms and makes q.k depend only on the position difference', () =>
    expectNoLeak(() => {
      const q = tf.randomNormal([1, HEAD_DIM], 0, 1, 'float32', 1) as tf.Tensor2D;
      const k = tf.randomNormal([1, HEAD_DIM], 0, 1, 'float32', 2) as tf.Tensor2D;
      const dotAt = (m: number, n: number): number =>
        tf.tidy(() => {
          const [qm] = rope(q, k, tf.tensor1d([m], 'int32'), full);
          const [, kn] = rope(q, k, tf.tensor1d([n], 'int32'), full);
          return tf.sum(tf.mul(qm!, kn!)).dataSync()[0]!;
        });
      const norm = (t: tf.Tensor) => tf.tidy(() => tf.norm(t).dataSync()[0]!);
      const rotated = tf.tidy(() => rope(q, k, tf.tensor1d([37], 'int32'), full)[0]);
      expect(norm(rotated)).toBeCloseTo(norm(q), 5);
      expect(dotAt(10, 3)).toBeCloseTo(dotAt(107, 100), 4);
      expect(dotAt(10, 3)).not.toBeCloseTo(dotAt(10, 4), 2);
      tf.dispose([q, k, rotated]);
    }));

  it('matches the tfjs composite (GQA, padded and far positions, partial rotary, scaling)', () =>
    expectNoLeak(() => {
      for (const [positions, options] of [
        [PADDED, full],
        [PADDED, partial],
        [FAR, full],
        [FAR, partial],
      ] as const) {
        const tokens = positions.length;
        const q = tf.randomNormal([tokens, 4 * HEAD_DIM], 0, 1, 'float32', 3) as tf.Tensor2D;
        const k = tf.randomNormal([tokens, 2 * HEAD_DIM], 0, 1, 'float32', 4) as tf.Tensor2D;
        const pos = tf.tensor1d(positions as number[], 'int32');
        const [qr, kr] = rope(q, k, pos, options);
        const [qe, ke] = ropeReference(q, k, pos, options);
        expect(qr.shape).toEqual(q.shape);
        expect(kr.shape).toEqual(k.shape);
        // tfjs's float32 cos/sin of large angles are the reference's only error.
        expect(closeness(qr.dataSync(), qe.dataSync(), 2e-5, 1e-4)).toBeLessThanOrEqual(1);
        expect(closeness(kr.dataSync(), ke.dataSync(), 2e-5, 1e-4)).toBeLessThanOrEqual(1);
        tf.dispose([q, k, pos, qr, kr, qe, ke]);
      }
    }));

  it('has gradients that match finite differences and the composite autograd', () =>
    expectNoLeak(() => {
      for (const options of [full, partial]) {
        const q = tf.randomNormal([3, 2 * HEAD_DIM], 0, 1, 'float32', 5);
        const k = tf.randomNormal([3, HEAD_DIM], 0, 1, 'float32', 6);
        const cq = tf.randomNormal([3, 2 * HEAD_DIM], 0, 1, 'float32', 7);
        const ck = tf.randomNormal([3, HEAD_DIM], 0, 1, 'float32', 8);
        const pos = tf.tensor1d([2, 0, 9], 'int32');
        const lossOf = (op: typeof rope) => (a: tf.Tensor, b: tf.Tensor) =>
          tf.tidy(() => {
            const [qr, kr] = op(a as tf.Tensor2D, b as tf.Tensor2D, pos, options);
            return tf.add(tf.sum(tf.mul(qr, cq)), tf.sum(tf.mul(kr, ck))) as tf.Scalar;
          });
        const [gq, gk] = tf.grads(lossOf(rope))([q, k]);
        const [rq, rk] = tf.grads(lossOf(ropeReference))([q, k]);
        expect(
          closeness(gq!.dataSync(), numericGrad(lossOf(rope), [q, k], 0), 2e-3, 1e-2),
        ).toBeLessThanOrEqual(1);
        expect(
          closeness(gk!.dataSync(), numericGrad(lossOf(rope), [q, k], 1), 2e-3, 1e-2),
        ).toBeLessThanOrEqual(1);
        expect(closeness(gq!.dataSync(), rq!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
        expect(closeness(gk!.dataSync(), rk!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
        tf.dispose([q, k, cq, ck, pos, gq!, gk!, rq!, rk!]);
      }
    }));

  it('rejects bad arguments with the op, argument and shapes', () =>
    expectNoLeak(() => {
      const q = tf.zeros([3, 16]) as tf.Tensor2D;
      const k = tf.zeros([3, 8]) as tf.Tensor2D;
      const pos = tf.tensor1d([0, 1, 2], 'int32');
      const posF = tf.tensor1d([0, 1, 2]);
      const pos2 = tf.tensor1d([0, 1], 'int32');
      const kOdd = tf.zeros([3, 6]) as tf.Tensor2D;
      const q3 = tf.zeros([3, 2, 8]) as unknown as tf.Tensor2D;
      expect(() => rope(q, k, posF, full)).toThrow('rope: positions must be int32, got float32');
      expect(() => rope(q, k, pos2, full)).toThrow('rope: q must have shape [2, heads * 8], got [3,16]');
      expect(() => rope(q, kOdd, pos, full)).toThrow('rope: k must have shape [3, heads * 8], got [3,6]');
      expect(() => rope(q3, k, pos, full)).toThrow('rope: q must have shape [3, heads * 8], got [3,2,8]');
      expect(() => rope(q, k, pos, { headDim: 8, invFreq: [1, 2, 3, 4, 5] })).toThrow(
        'rope: invFreq must hold 1..4 values (rotary dim <= headDim), got 5',
      );
      tf.dispose([q, k, pos, posF, pos2, kOdd, q3]);
    }));
});
