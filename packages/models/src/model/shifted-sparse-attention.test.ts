import { attention, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedAttention } from './composed-attention.js';
import { shiftedGroupSize, shiftedSparseAttention, type AttendFn } from './shifted-sparse-attention.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  batch: number;
  seqLen: number;
  heads: number;
  kvHeads: number;
  d: number;
  mask?: number[][];
  segments?: number[][];
}

/**
 * A straightforward S²-Attn: for each row and head, token order is rolled by -G/2 on the second half
 * of the heads, and each query attends causally to the keys of its own group of G (and own packed
 * sample, real keys only); the output is written back at the token's original place.
 */
function reference(q: number[][], k: number[][], v: number[][], c: Case, ratio: number): number[][] {
  const { batch, seqLen: T, heads, kvHeads, d } = c;
  const group = Math.floor(T * ratio);
  const shift = Math.floor(group / 2);
  const out = Array.from({ length: batch * T }, () => new Array<number>(heads * d).fill(0));
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kh = Math.floor(h / (heads / kvHeads));
      const s = h < heads / 2 ? 0 : shift;
      const token = (i: number) => (i + s) % T; // the original token at rolled index i
      for (let i = 0; i < T; i++) {
        const g = Math.floor(i / group);
        const tq = token(i);
        const scores: [number, number][] = [];
        for (let j = g * group; j <= i; j++) {
          const tk = token(j);
          if (c.mask && c.mask[b]![tk] === 0) continue;
          if (c.segments && c.segments[b]![tk] !== c.segments[b]![tq]) continue;
          let dot = 0;
          for (let x = 0; x < d; x++) dot += q[b * T + tq]![h * d + x]! * k[b * T + tk]![kh * d + x]!;
          scores.push([tk, dot / Math.sqrt(d)]);
        }
        if (scores.length === 0) continue;
        const max = Math.max(...scores.map(([, sc]) => sc));
        const weights = scores.map(([, sc]) => Math.exp(sc - max));
        const total = weights.reduce((a, w) => a + w, 0);
        scores.forEach(([tk], n) => {
          for (let x = 0; x < d; x++)
            out[b * T + tq]![h * d + x] += (weights[n]! / total) * v[b * T + tk]![kh * d + x]!;
        });
      }
    }
  }
  return out;
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i]![j]!)))));
  return m;
}

function run(
  c: Case,
  ratio = 0.25,
  seed = 0,
  attend: AttendFn = attention,
): { got: number[][]; want: number[][] } {
  const rows = c.batch * c.seqLen;
  const q = tf.randomNormal([rows, c.heads * c.d], 0, 1, 'float32', seed) as tf.Tensor2D;
  const k = tf.randomNormal([rows, c.kvHeads * c.d], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
  const v = tf.randomNormal([rows, c.kvHeads * c.d], 0, 1, 'float32', seed + 2) as tf.Tensor2D;
  const opts = {
    numHeads: c.heads,
    numKvHeads: c.kvHeads,
    batch: c.batch,
    attentionMask: c.mask ? tf.tensor2d(c.mask, undefined, 'int32') : undefined,
    segmentIds: c.segments ? tf.tensor2d(c.segments, undefined, 'int32') : undefined,
  };
  const got = shiftedSparseAttention(q, k, v, opts, ratio, attend).arraySync();
  const want = reference(q.arraySync(), k.arraySync(), v.arraySync(), c, ratio);
  return { got, want };
}

describe('shiftedSparseAttention', () => {
  it('equals attention inside groups, half the heads shifted by half a group (the last group wrapping)', () => {
    for (const c of [
      { batch: 2, seqLen: 16, heads: 4, kvHeads: 4, d: 8 },
      { batch: 2, seqLen: 16, heads: 4, kvHeads: 2, d: 4 }, // grouped-query: each half keeps its kv heads
      { batch: 1, seqLen: 12, heads: 6, kvHeads: 3, d: 4 }, // an odd number of kv heads is repeated
      { batch: 1, seqLen: 8, heads: 2, kvHeads: 1, d: 4 },
    ]) {
      const { got, want } = run(c);
      expect(maxDiff(got, want)).toBeLessThan(1e-5);
    }
  });

  it('keeps padding keys hidden and packed samples apart', () => {
    const c = {
      batch: 2,
      seqLen: 8,
      heads: 4,
      kvHeads: 2,
      d: 4,
      mask: [
        [1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 0, 0, 0],
      ],
      segments: [
        [1, 1, 1, 2, 2, 2, 2, 2],
        [1, 1, 2, 2, 2, 0, 0, 0],
      ],
    };
    const { got, want } = run(c, 0.5, 7);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
  });

  it('runs on the composed attention too (the path of soft-capped models)', () => {
    const composed: AttendFn = (q, k, v, o) =>
      composedAttention(q, k, v, { ...o, softcap: null, alibiSlopes: null });
    const { got, want } = run({ batch: 2, seqLen: 16, heads: 4, kvHeads: 2, d: 4 }, 0.25, 11, composed);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
  });

  it("is full causal attention when the group is the whole row's", () => {
    const q = tf.randomNormal([16, 16], 0, 1, 'float32', 3) as tf.Tensor2D;
    const k = tf.randomNormal([16, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
    const opts = { numHeads: 4, numKvHeads: 2, batch: 2 };
    // G = T: one group, so the unshifted half of the heads is plain causal attention over the row.
    const s2 = shiftedSparseAttention(q, k, k, opts, 1, attention).arraySync();
    const full = attention(q, k, k, opts).arraySync();
    expect(
      maxDiff(
        s2.map((r) => r.slice(0, 8)),
        full.map((r) => r.slice(0, 8)),
      ),
    ).toBeLessThan(1e-6);
  });

  it('refuses rows that do not split into groups, and an odd number of heads', () => {
    expect(shiftedGroupSize(16, 0.25)).toBe(4);
    expect(shiftedGroupSize(12, 0.25)).toBe(3);
    expect(() => shiftedGroupSize(10, 0.25)).not.toThrow(); // int(2.5) = 2 divides 10, as LongLoRA allows
    expect(() => shiftedGroupSize(9, 0.25)).toThrow(
      /groups of int\(9 \* 0.25\) = 2; pad rows to a multiple of 4/,
    );
    expect(() => shiftedGroupSize(3, 0.25)).toThrow(/= 0/);
    const q = tf.zeros([8, 12]) as tf.Tensor2D;
    expect(() => shiftedSparseAttention(q, q, q, { numHeads: 3, batch: 1 }, 0.25, attention)).toThrow(/odd/);
  });
});
