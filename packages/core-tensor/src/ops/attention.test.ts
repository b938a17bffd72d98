import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { attention, type AttentionOptions } from './attention.js';
import { attentionReference } from './attention-reference.js';

interface Shape {
  batch: number;
  seq: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

type AttentionFn = typeof attention;

function inputs(c: Shape, seed: number, kvSeq = c.seq, spread = 1): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const q = tf.randomUniform([c.batch * c.seq, c.heads * c.headDim], -spread, spread, 'float32', seed);
  const k = tf.randomUniform([c.batch * kvSeq, c.kvHeads * c.headDim], -spread, spread, 'float32', seed + 1);
  const v = tf.randomUniform([c.batch * kvSeq, c.kvHeads * c.headDim], -1, 1, 'float32', seed + 2);
  return [q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D];
}

/** Value of `fn` and the gradients of sum(fn(q, k, v) * w) for a fixed random w. */
function valueAndGrads(
  fn: AttentionFn,
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  opts: AttentionOptions,
  w: tf.Tensor,
): { out: Float32Array; dq: Float32Array; dk: Float32Array; dv: Float32Array } {
  const out = tf.tidy(() => fn(q, k, v, opts).dataSync() as Float32Array);
  const [dq, dk, dv] = tf.tidy(() =>
    tf
      .grads((a, b, c) => tf.sum(tf.mul(fn(a!, b!, c!, opts), w)))([q, k, v])
      .map((g) => g.dataSync() as Float32Array),
  );
  return { out, dq: dq!, dk: dk!, dv: dv! };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

const FIXTURE = new URL('./fixtures/torch-attention.json', import.meta.url);

describe.each(['cpu', 'wasm'])('attention on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  const cases: Array<{ name: string; shape: Shape; mask?: number[][]; window?: number; spread?: number }> = [
    {
      name: 'GQA with left and right padding',
      shape: { batch: 2, seq: 5, heads: 4, kvHeads: 2, headDim: 3 },
      mask: [
        [0, 0, 1, 1, 1],
        [1, 1, 1, 1, 0],
      ],
    },
    {
      name: 'GQA, padding and a sliding window of 2',
      shape: { batch: 2, seq: 5, heads: 4, kvHeads: 2, headDim: 3 },
      mask: [
        [0, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
      window: 2,
    },
    {
      name: 'MHA, window 3, no mask',
      shape: { batch: 1, seq: 7, heads: 2, kvHeads: 2, headDim: 4 },
      window: 3,
    },
    {
      name: 'MQA over several key blocks (online rescaling)',
      shape: { batch: 1, seq: 150, heads: 2, kvHeads: 1, headDim: 4 },
      spread: 3,
    },
  ];

  it.each(cases)('matches the composite reference in value and gradients: $name', (c) => {
    const before = tf.memory().numTensors;
    const [q, k, v] = inputs(c.shape, 7, c.shape.seq, c.spread);
    const attentionMask = c.mask ? tf.tensor2d(c.mask, undefined, 'int32') : undefined;
    const opts: AttentionOptions = {
      batch: c.shape.batch,
      numHeads: c.shape.heads,
      numKvHeads: c.shape.kvHeads,
      attentionMask,
      slidingWindow: c.window,
    };
    const w = tf.randomNormal(q.shape, 0, 1, 'float32', 11);
    const fused = valueAndGrads(attention, q, k, v, opts, w);
    const ref = valueAndGrads(attentionReference, q, k, v, opts, w);
    expectClose(fused.out, ref.out);
    expectClose(fused.dq, ref.dq);
    expectClose(fused.dk, ref.dk);
    expectClose(fused.dv, ref.dv);
    tf.dispose([q, k, v, w, ...(attentionMask ? [attentionMask] : [])]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has gradients that match central finite differences', () => {
    const shape = { batch: 2, seq: 3, heads: 2, kvHeads: 1, headDim: 2 };
    const xs = inputs(shape, 21);
    const attentionMask = tf.tensor2d(
      [
        [0, 1, 1],
        [1, 1, 0],
      ],
      undefined,
      'int32',
    );
    const opts = { batch: 2, numHeads: 2, numKvHeads: 1, attentionMask, slidingWindow: 2 };
    const w = tf.randomNormal(xs[0].shape, 0, 1, 'float32', 5);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(attention(a, b, c, opts), w));
    const analytic = tf.tidy(() =>
      tf
        .grads(loss)(xs)
        .map((g) => g.dataSync()),
    );
    for (let i = 0; i < 3; i++) {
      expectClose(analytic[i]!, numericGrad(loss, xs, i, 1e-2), 2e-3, 2e-2);
    }
    tf.dispose([...xs, attentionMask, w]);
  });

  it('averages the visible values when all keys are identical (closed form)', () => {
    const [b, t, h, d, window] = [2, 6, 2, 3, 3];
    const mask = [
      [0, 0, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0],
    ];
    const q = tf.randomUniform([b * t, h * d], -2, 2, 'float32', 3);
    const k = tf.tile(tf.randomUniform([1, d], -1, 1, 'float32', 4), [b * t, 1]);
    const v = tf.randomUniform([b * t, d], -1, 1, 'float32', 6);
    const attentionMask = tf.tensor2d(mask, undefined, 'int32');
    const out = attention(q, k, v, { numHeads: h, numKvHeads: 1, attentionMask, slidingWindow: window });
    const vs = v.dataSync();
    const expected = new Float32Array(b * t * h * d);
    for (let s = 0; s < b; s++) {
      for (let i = 0; i < t; i++) {
        const seen = [...Array(t).keys()].filter((j) => j <= i && i - j < window && mask[s]![j] === 1);
        for (let head = 0; head < h; head++) {
          for (let x = 0; x < d; x++) {
            let sum = 0;
            for (const j of seen) sum += vs[(s * t + j) * d + x]!;
            expected[(s * t + i) * h * d + head * d + x] = seen.length ? sum / seen.length : 0;
          }
        }
      }
    }
    expectClose(out.dataSync(), expected, 1e-6, 1e-5);
    tf.dispose([q, k, v, attentionMask, out]);
  });

  it('outputs 0 and passes zero gradient for rows that see no key', () => {
    const shape = { batch: 1, seq: 4, heads: 2, kvHeads: 2, headDim: 2 };
    const [q, k, v] = inputs(shape, 31);
    const attentionMask = tf.tensor2d([[0, 0, 1, 1]], undefined, 'int32');
    const opts = { numHeads: 2, attentionMask };
    const width = shape.heads * shape.headDim;
    const out = attention(q, k, v, opts);
    const [dq, dk, dv] = tf.grads((a, b, c) => tf.sum(attention(a!, b!, c!, opts)))([q, k, v]);
    const padRows = (x: tf.Tensor): number[] => Array.from(x.dataSync().slice(0, 2 * width));
    expect(padRows(out)).toEqual(new Array(2 * width).fill(0));
    expect(padRows(dq!)).toEqual(new Array(2 * width).fill(0));
    // Padded keys get no gradient either; the real rows do.
    expect(padRows(dk!)).toEqual(new Array(2 * width).fill(0));
    expect(padRows(dv!)).toEqual(new Array(2 * width).fill(0));
    expect(Math.abs(dv!.dataSync()[3 * width]!)).toBeGreaterThan(0);
    tf.dispose([q, k, v, attentionMask, out, dq!, dk!, dv!]);
  });

  it('serves a KV cache: queries at [past, past + Tq) against a longer key sequence', () => {
    const shape = { batch: 2, seq: 6, heads: 4, kvHeads: 2, headDim: 3 };
    const [b, t, past, width] = [2, 6, 4, 12];
    const [q, k, v] = inputs(shape, 41);
    const attentionMask = tf.tensor2d(
      [
        [0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
      ],
      undefined,
      'int32',
    );
    const opts = { numHeads: 4, numKvHeads: 2, attentionMask, slidingWindow: 4 };
    const full = attention(q, k, v, opts);
    const lastRows = (x: tf.Tensor): tf.Tensor =>
      tf.reshape(tf.slice(tf.reshape(x, [b, t, -1]), [0, past, 0], [b, t - past, -1]), [b * (t - past), -1]);
    const tail = tf.tidy(() => lastRows(full).dataSync());
    const qTail = lastRows(q);
    // Default offset: the queries are the last Tq key positions.
    const cached = attention(qTail, k, v, opts);
    expectClose(cached.dataSync(), tail, 1e-6, 1e-5);
    // Preallocated cache of 9 slots, 3 unfilled slots hold garbage that must not be attended.
    const pad = (x: tf.Tensor): tf.Tensor =>
      tf.reshape(tf.concat([tf.reshape(x, [b, t, -1]), tf.fill([b, 3, x.shape[1]!], 50)], 1), [b * 9, -1]);
    const maskPadded = tf.concat([attentionMask, tf.ones([b, 3], 'int32')], 1);
    const staticCache = tf.tidy(() =>
      attention(qTail, pad(k), pad(v), { ...opts, attentionMask: maskPadded, queryOffset: past }).dataSync(),
    );
    expectClose(staticCache, tail, 1e-6, 1e-5);
    expect(tail.length).toBe(b * (t - past) * width);
    tf.dispose([q, k, v, attentionMask, full, qTail, cached, maskPadded]);
  });

  it('keeps only q, k, v, the mask, the segment ids and the output alive for the backward', () => {
    const [q, k, v] = inputs({ batch: 2, seq: 32, heads: 4, kvHeads: 2, headDim: 8 }, 51);
    // Two samples per row: tokens 0-19 and 20-31.
    const segmentIds = tf.tidy(() =>
      tf.reshape(tf.tile(tf.cast(tf.greaterEqual(tf.range(0, 32, 1, 'int32'), 20), 'int32'), [2]), [2, 32]),
    );
    // Saved inputs are aliases (Identity clones), so count data buffers that the taped call leaves alive.
    const buffersKept = (fn: AttentionFn, packed = false): number => {
      const opts = { batch: 2, numHeads: 4, numKvHeads: 2, ...(packed ? { segmentIds } : {}) };
      let kept = -1;
      const grads = tf.grads((a, b, c) => {
        const before = tf.memory().numDataBuffers;
        const out = fn(a!, b!, c!, opts);
        kept = tf.memory().numDataBuffers - before;
        return tf.sum(out);
      })([q, k, v]);
      tf.dispose(grads);
      return kept;
    };
    // wasm's Identity copies where cpu's aliases: then the saved clones are copies too.
    const x = tf.zeros([1]);
    const before = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    const cloneCopies = tf.memory().numDataBuffers - before;
    tf.dispose([x, y]);
    // The output and the all-ones mask, plus the saved q, k, v, mask and segment ids (unpacked: the mask
    // again, no ids tensor is made); the composite reference keeps its [B, H, T, T] probabilities too.
    expect(buffersKept(attention)).toBe(2 + 5 * cloneCopies);
    expect(buffersKept(attention, true)).toBe(2 + 5 * cloneCopies);
    expect(buffersKept(attentionReference)).toBeGreaterThan(2);
    tf.dispose([q, k, v, segmentIds]);
  });

  it('frees every intermediate of forward and backward', () => {
    const [q, k, v] = inputs({ batch: 2, seq: 4, heads: 2, kvHeads: 1, headDim: 2 }, 61);
    const before = tf.memory().numTensors;
    const out = attention(q, k, v, { batch: 2, numHeads: 2, numKvHeads: 1 });
    const grads = tf.grads((a, b, c) =>
      tf.sum(attention(a!, b!, c!, { batch: 2, numHeads: 2, numKvHeads: 1 })),
    )([q, k, v]);
    tf.dispose([out, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q, k, v]);
  });

  it('rejects inconsistent shapes, dtypes and options with a message naming them', () => {
    const [q, k, v] = inputs({ batch: 2, seq: 4, heads: 4, kvHeads: 2, headDim: 2 }, 71);
    const mask = tf.ones([2, 4], 'int32');
    const badMask = tf.ones([2, 3], 'int32');
    const floatMask = tf.ones([2, 4]);
    const q3 = tf.zeros([2, 4, 8]);
    const opts = { batch: 2, numHeads: 4, numKvHeads: 2 };
    expect(() => attention(q3, k, v, opts)).toThrow(/attention: q must be 2-D float32.*got shape \[2,4,8\]/);
    expect(() => attention(q, k, v, { ...opts, numKvHeads: 3 })).toThrow(/numHeads \(4\) must be a multiple/);
    expect(() => attention(q, k, v, { ...opts, numKvHeads: 1 })).toThrow(
      /k must have numKvHeads\*headDim = 1\*2 = 2/,
    );
    expect(() => attention(q, k, tf.zeros([8, 2]), opts)).toThrow(
      /v must have the shape of k \[8,4\], got \[8,2\]/,
    );
    expect(() => attention(q, k, v, { numHeads: 4, numKvHeads: 2 })).toThrow(/opts.batch is required/);
    expect(() => attention(q, k, v, { ...opts, batch: 3 })).toThrow(/multiples of batch \(3\)/);
    expect(() => attention(q, k, v, { ...opts, attentionMask: badMask })).toThrow(
      /attentionMask must be int32 \[batch, keys\] = \[2, 4\], got \[2,3\] int32/,
    );
    expect(() => attention(q, k, v, { ...opts, attentionMask: floatMask })).toThrow(/got \[2,4\] float32/);
    expect(() => attention(q, k, v, { ...opts, slidingWindow: 0 })).toThrow(
      /slidingWindow must be a positive integer/,
    );
    expect(() => attention(q, k, v, { ...opts, queryOffset: 1 })).toThrow(
      /queryOffset must be an integer in \[0, S - Tq\] = \[0, 0\]/,
    );
    tf.dispose([q, k, v, mask, badMask, floatMask, q3]);
  });

  describe.skipIf(!existsSync(FIXTURE))(
    'against PyTorch float64 goldens (fixtures/torch-attention.json)',
    () => {
      interface TorchCase {
        batch: number;
        seq: number;
        heads: number;
        kv_heads: number;
        head_dim: number;
        scale: number;
        window: number | null;
        attention_mask: number[][];
        q: number[];
        k: number[];
        v: number[];
        dy: number[];
        out: number[];
        dq: number[];
        dk: number[];
        dv: number[];
      }
      const cases = existsSync(FIXTURE)
        ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: TorchCase[] }).cases
        : [];

      it.each(cases.map((c, i) => ({ ...c, name: `case ${i}` })))(
        '$name: B=$batch T=$seq H=$heads Hkv=$kv_heads D=$head_dim window=$window',
        (c) => {
          const { batch: b, seq: t, head_dim: d } = c;
          const toOurs = (x: number[], h: number): tf.Tensor2D =>
            tf.tensor2d(torchToTokenMajor(x, b, h, t, d), [b * t, h * d]);
          const [q, k, v] = [toOurs(c.q, c.heads), toOurs(c.k, c.kv_heads), toOurs(c.v, c.kv_heads)];
          const dy = toOurs(c.dy, c.heads);
          const attentionMask = tf.tensor2d(c.attention_mask, undefined, 'int32');
          const opts = {
            numHeads: c.heads,
            numKvHeads: c.kv_heads,
            scale: c.scale,
            attentionMask,
            slidingWindow: c.window,
          };
          const got = valueAndGrads(attention, q, k, v, opts, dy);
          const fromTorch = (x: number[], h: number): Float32Array => torchToTokenMajor(x, b, h, t, d);
          expectClose(got.out, fromTorch(c.out, c.heads));
          expectClose(got.dq, fromTorch(c.dq, c.heads));
          expectClose(got.dk, fromTorch(c.dk, c.kv_heads));
          expectClose(got.dv, fromTorch(c.dv, c.kv_heads));
          tf.dispose([q, k, v, dy, attentionMask]);
        },
      );
    },
  );
});

/** torch [B, H, T, D] (flat) to our token-major [B*T, H*D]. */
function torchToTokenMajor(x: number[], b: number, h: number, t: number, d: number): Float32Array {
  const out = new Float32Array(b * h * t * d);
  for (let s = 0; s < b; s++)
    for (let head = 0; head < h; head++)
      for (let i = 0; i < t; i++)
        for (let e = 0; e < d; e++)
          out[((s * t + i) * h + head) * d + e] = x[((s * h + head) * t + i) * d + e]!;
  return out;
}
