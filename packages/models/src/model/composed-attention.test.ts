import { attention, attentionReference, closeness, expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { alibiSlopes } from './alibi-slopes.js';
import { composedAttention } from './composed-attention.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 2;
const H = 4;
const HKV = 2;
const D = 8;
const normal = (rows: number, cols: number, seed: number) =>
  tf.randomNormal([rows, cols], 0, 1, 'float32', seed) as tf.Tensor2D;
const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

// Training rows (S = T) and a KV-cache step (2 queries after 5 cached keys), with padding and packing.
const CASES = [
  { name: 'causal', t: 6, s: 6, mask: undefined, segments: undefined, window: null },
  {
    name: 'left padding + window 3',
    t: 6,
    s: 6,
    mask: [
      [0, 0, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1],
    ],
    window: 3,
  },
  {
    name: 'packed rows',
    t: 6,
    s: 6,
    segments: [
      [1, 1, 2, 2, 2, 0],
      [1, 2, 3, 3, 3, 3],
    ],
    window: null,
  },
  {
    name: 'cache step',
    t: 2,
    s: 7,
    mask: [
      [0, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0],
    ],
    window: 4,
  },
];

describe('composedAttention', () => {
  it.each(CASES)('without score changes it is the fused attention: $name', (c) => {
    tf.tidy(() => {
      const q = normal(B * c.t, H * D, 1);
      const [k, v] = [normal(B * c.s, HKV * D, 2), normal(B * c.s, HKV * D, 3)];
      const opts = {
        numHeads: H,
        numKvHeads: HKV,
        batch: B,
        attentionMask: c.mask && int2d(c.mask),
        segmentIds: c.segments && int2d(c.segments),
        slidingWindow: c.window,
        scale: 0.3,
      };
      const fused = values(attention(q, k, v, opts));
      const ours = values(composedAttention(q, k, v, { ...opts, softcap: null, alibiSlopes: null }));
      expect(closeness(ours, fused, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    });
  });

  it('soft-caps the scaled scores and adds ALiBi biases, with gradients in q, k and v', () => {
    expectNoLeak(() =>
      tf.tidy(() => {
        const t = 5;
        const q = tf.mul(normal(B * t, H * D, 4), 3) as tf.Tensor2D;
        const [k, v] = [normal(B * t, HKV * D, 5), normal(B * t, HKV * D, 6)];
        const mask = int2d([
          [0, 1, 1, 1, 1],
          [1, 1, 1, 1, 1],
        ]);
        const slopes = alibiSlopes(H);
        const base = { numHeads: H, numKvHeads: HKV, batch: B, attentionMask: mask, scale: 0.25 };
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(composedAttention(a, b, c, { ...base, softcap: 2, alibiSlopes: slopes }));
        // The same by hand: per head, softmax(2 tanh(s / 2) + slope (j - i) + mask) v, from the reference
        // attention on scores it cannot see, so built here over explicit [B, H, T, S] tensors.
        const byHand = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const heads = (x: tf.Tensor, n: number) => tf.transpose(tf.reshape(x, [B, t, n, D]), [0, 2, 1, 3]);
          const rep = (x: tf.Tensor) => tf.reshape(tf.stack([heads(x, HKV), heads(x, HKV)], 2), [B, H, t, D]); // kv head h / 2
          let s = tf.mul(tf.matMul(heads(a, H), rep(b), false, true), 0.25);
          s = tf.mul(tf.tanh(tf.div(s, 2)), 2);
          const dist = tf.tensor2d(
            Array.from({ length: t * t }, (_, n) => (n % t) - Math.floor(n / t)),
            [t, t],
          );
          s = tf.add(s, tf.mul(tf.tensor4d(slopes, [1, H, 1, 1]), dist));
          const causal = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
          const visible = tf.mul(causal, tf.reshape(tf.cast(mask, 'float32'), [B, 1, 1, t]));
          // The padded query (row 0, token 0) sees no key: its output is 0, as in the fused kernel.
          const seen = tf.cast(tf.greater(tf.sum(visible, -1, true), 0), 'float32');
          const p = tf.mul(tf.softmax(tf.add(s, tf.mul(tf.sub(1, visible), -1e9))), seen);
          return tf.sum(tf.matMul(p, rep(c)));
        };
        const ours = tf.grads(f)([q, k, v]);
        const want = tf.grads(byHand)([q, k, v]);
        expect(Math.abs(f(q, k, v).dataSync()[0]! - byHand(q, k, v).dataSync()[0]!)).toBeLessThan(1e-4);
        ours.forEach((g, i) =>
          expect(closeness(values(g), values(want[i]!), 1e-5, 1e-4)).toBeLessThanOrEqual(1),
        );
        // Without the changes, the reference's gradients.
        const plain = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(composedAttention(a, b, c, { ...base, softcap: null, alibiSlopes: null }));
        const refGrads = tf.grads((a, b, c) => tf.sum(attentionReference(a, b, c, base)))([q, k, v]);
        tf.grads(plain)([q, k, v]).forEach((g, i) =>
          expect(closeness(values(g), values(refGrads[i]!), 1e-5, 1e-4)).toBeLessThanOrEqual(1),
        );
      }),
    );
  });
});

describe('alibiSlopes', () => {
  it("equals Baichuan's _get_interleave for a power of 2 and for 6 and 40 heads", () => {
    expect(alibiSlopes(4)).toEqual([0.25, 0.0625, 0.015625, 0.00390625]);
    expect(alibiSlopes(6)).toEqual([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]);
    // Python's values; V8's Math.pow may differ from C's pow in the last bit.
    const python = [
      0.8408964152537145, 0.7071067811865475, 0.5946035575013604, 0.4999999999999999, 0.9170040432046712,
      0.7711054127039704, 0.6484197773255047, 0.5452538663326288, 0.45850202160233555, 0.38555270635198513,
      0.32420988866275235, 0.27262693316631437,
    ];
    const forty = alibiSlopes(40);
    [...forty.slice(0, 4), ...forty.slice(32)].forEach((x, i) => expect(x).toBeCloseTo(python[i]!, 15));
  });
});
