import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { attention, type AttentionOptions } from './attention.js';
import { attentionReference } from './attention-reference.js';

// Sequence packing (`segmentIds`): several samples share a batch row and must not see each other.

type AttentionFn = typeof attention;

interface Heads {
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** One packed sample: its segment id and its number of tokens. */
type Run = [id: number, length: number];

interface Grads {
  out: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

function randomQkv(
  h: Heads,
  rows: number,
  seed: number,
  spread = 1,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const kvCols = h.kvHeads * h.headDim;
  return [
    tf.randomUniform([rows, h.heads * h.headDim], -spread, spread, 'float32', seed) as tf.Tensor2D,
    tf.randomUniform([rows, kvCols], -spread, spread, 'float32', seed + 1) as tf.Tensor2D,
    tf.randomUniform([rows, kvCols], -1, 1, 'float32', seed + 2) as tf.Tensor2D,
  ];
}

/** Value of `fn` and the gradients of sum(fn(q, k, v) * w). */
function valueAndGrads(fn: AttentionFn, [q, k, v]: tf.Tensor[], opts: AttentionOptions, w: tf.Tensor): Grads {
  const out = tf.tidy(() => fn(q!, k!, v!, opts).dataSync() as Float32Array);
  const [dq, dk, dv] = tf.tidy(() =>
    tf
      .grads((a, b, c) => tf.sum(tf.mul(fn(a!, b!, c!, opts), w)))([q!, k!, v!])
      .map((g) => g.dataSync() as Float32Array),
  );
  return { out, dq: dq!, dk: dk!, dv: dv! };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

function expectAllClose(actual: Grads, expected: Grads): void {
  for (const key of ['out', 'dq', 'dk', 'dv'] as const) expectClose(actual[key], expected[key]);
}

/** Segment ids of packed rows, one row per entry. */
function segmentIds(rows: Run[][]): tf.Tensor2D {
  return tf.tensor2d(
    rows.map((row) => row.flatMap(([id, length]) => new Array<number>(length).fill(id))),
    undefined,
    'int32',
  );
}

function rowLength(row: Run[]): number {
  return row.reduce((n, [, length]) => n + length, 0);
}

/**
 * What packed attention must give: every sample run alone (batch 1, its own tokens only), placed back
 * at its rows. Samples with id `hiddenId` (masked padding) see nothing and get zeros.
 */
function samplesAlone(
  xs: tf.Tensor2D[],
  w: tf.Tensor2D,
  rows: Run[][],
  opts: AttentionOptions,
  hiddenId?: number,
): Grads {
  const t = rowLength(rows[0]!);
  const result: Grads = {
    out: new Float32Array(w.size),
    dq: new Float32Array(xs[0]!.size),
    dk: new Float32Array(xs[1]!.size),
    dv: new Float32Array(xs[2]!.size),
  };
  rows.forEach((row, b) => {
    let start = b * t;
    for (const [id, length] of row) {
      if (id !== hiddenId) {
        const [q, k, v, wPart] = [...xs, w].map((x) => tf.slice(x, [start, 0], [length, -1]));
        const alone = valueAndGrads(attention, [q!, k!, v!], { ...opts, batch: 1 }, wPart!);
        tf.dispose([q!, k!, v!, wPart!]);
        result.out.set(alone.out, start * w.shape[1]);
        result.dq.set(alone.dq, start * xs[0]!.shape[1]);
        result.dk.set(alone.dk, start * xs[1]!.shape[1]);
        result.dv.set(alone.dv, start * xs[2]!.shape[1]);
      }
      start += length;
    }
  });
  return result;
}

describe.each(['cpu', 'wasm'])('attention with packed sequences (segmentIds) on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  const gqa: Heads = { heads: 4, kvHeads: 2, headDim: 3 };
  const aloneCases: Array<{
    name: string;
    h: Heads;
    rows: Run[][];
    window?: number;
    maskPadding?: boolean;
    spread?: number;
  }> = [
    {
      name: 'GQA, padding (id 0) hidden by the mask',
      h: gqa,
      rows: [
        [
          [1, 3],
          [2, 5],
        ],
        [
          [7, 4],
          [3, 2],
          [0, 2],
        ],
      ],
      maskPadding: true,
    },
    {
      // Padding with its own id and no mask behaves as one more sample.
      name: 'GQA, window 2, padding marked by id 0 only',
      h: gqa,
      rows: [
        [
          [1, 1],
          [2, 6],
          [0, 1],
        ],
        [
          [4, 5],
          [0, 3],
        ],
      ],
      window: 2,
    },
    {
      name: 'MQA, samples straddling key blocks (online rescaling, skipped blocks)',
      h: { heads: 2, kvHeads: 1, headDim: 4 },
      rows: [
        [
          [1, 70],
          [2, 80],
        ],
      ],
      spread: 3,
    },
  ];

  it.each(aloneCases)('equals running each sample alone, values and gradients: $name', (c) => {
    const t = rowLength(c.rows[0]!);
    const xs = randomQkv(c.h, c.rows.length * t, 3, c.spread);
    const w = tf.randomNormal(xs[0].shape, 0, 1, 'float32', 9) as tf.Tensor2D;
    const ids = segmentIds(c.rows);
    const attentionMask = c.maskPadding ? tf.tidy(() => tf.cast(tf.notEqual(ids, 0), 'int32')) : undefined;
    const opts: AttentionOptions = { numHeads: c.h.heads, numKvHeads: c.h.kvHeads, slidingWindow: c.window };
    const packed = expectNoLeak(() =>
      valueAndGrads(attention, xs, { ...opts, segmentIds: ids, attentionMask }, w),
    );
    expectAllClose(packed, samplesAlone(xs, w, c.rows, opts, c.maskPadding ? 0 : undefined));
    tf.dispose([...xs, w, ids, ...(attentionMask ? [attentionMask] : [])]);
  });

  it('changes nothing when every token has the same segment id', () => {
    const xs = randomQkv(gqa, 2 * 6, 13);
    const w = tf.randomNormal(xs[0].shape, 0, 1, 'float32', 14);
    const ids = tf.fill([2, 6], 5, 'int32');
    const opts = { numHeads: gqa.heads, numKvHeads: gqa.kvHeads, batch: 2, slidingWindow: 3 };
    expectAllClose(
      valueAndGrads(attention, xs, { ...opts, segmentIds: ids }, w),
      valueAndGrads(attention, xs, opts, w),
    );
    tf.dispose([...xs, w, ids]);
  });

  const referenceCases: Array<{
    name: string;
    ids: number[][];
    mask?: number[][];
    window?: number;
    tq?: number;
  }> = [
    {
      // Equality only: a reused id joins the earlier tokens again (and the loops must not start late).
      name: 'ids reused out of order, left padding',
      ids: [
        [5, 5, 2, 2, 5, 5, 9, 9],
        [0, 0, 3, 3, 3, 1, 1, 1],
      ],
      mask: [
        [1, 1, 1, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1, 1, 1, 1],
      ],
    },
    {
      name: 'negative ids, window 3, right padding',
      ids: [
        [-4, -4, -4, -4, 8, 8, 8, 8],
        [2, 2, 2, 2, 2, 6, 6, 6],
      ],
      mask: [
        [1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 0, 0],
      ],
      window: 3,
    },
    {
      name: 'KV-cache form: the last 3 positions query the whole packed row',
      ids: [
        [1, 1, 1, 2, 2, 2, 2, 2],
        [1, 2, 2, 2, 2, 2, 3, 3],
      ],
      tq: 3,
    },
  ];

  it.each(referenceCases)('matches the composite reference in value and gradients: $name', (c) => {
    const [b, s] = [c.ids.length, c.ids[0]!.length];
    const tq = c.tq ?? s;
    const [q] = randomQkv(gqa, b * tq, 21);
    const [, k, v] = randomQkv(gqa, b * s, 31);
    const w = tf.randomNormal(q.shape, 0, 1, 'float32', 41);
    const ids = tf.tensor2d(c.ids, undefined, 'int32');
    const attentionMask = c.mask ? tf.tensor2d(c.mask, undefined, 'int32') : undefined;
    const opts: AttentionOptions = {
      numHeads: gqa.heads,
      numKvHeads: gqa.kvHeads,
      segmentIds: ids,
      attentionMask,
      slidingWindow: c.window,
    };
    const fused = expectNoLeak(() => valueAndGrads(attention, [q, k, v], opts, w));
    expectAllClose(fused, valueAndGrads(attentionReference, [q, k, v], opts, w));
    tf.dispose([q, k, v, w, ids, ...(attentionMask ? [attentionMask] : [])]);
  });

  it('serves a KV cache over packed rows, with and without a preallocated cache', () => {
    const [b, t, past] = [2, 7, 4];
    const xs = randomQkv(gqa, b * t, 51);
    const [q, k, v] = xs;
    const ids = segmentIds([
      [
        [1, 3],
        [2, 4],
      ],
      [
        [1, 5],
        [2, 2],
      ],
    ]);
    const opts = { numHeads: gqa.heads, numKvHeads: gqa.kvHeads, segmentIds: ids };
    const lastRows = (x: tf.Tensor): tf.Tensor =>
      tf.reshape(tf.slice(tf.reshape(x, [b, t, -1]), [0, past, 0], [b, t - past, -1]), [b * (t - past), -1]);
    const tail = tf.tidy(() => lastRows(attention(q, k, v, opts)).dataSync());
    const cached = tf.tidy(() => attention(lastRows(q), k, v, opts).dataSync());
    expectClose(cached, tail, 1e-6, 1e-5);
    // 3 unfilled slots of garbage, given the current segment's id: only the offset keeps them unseen.
    const staticCache = tf.tidy(() => {
      const pad = (x: tf.Tensor, fill: number, dtype: tf.DataType): tf.Tensor => {
        const rows = tf.reshape(x, [b, t, -1]);
        const garbage = tf.fill([b, 3, rows.shape[2]!], fill, dtype);
        return tf.reshape(tf.concat([rows, garbage], 1), [b * (t + 3), -1]);
      };
      const cacheIds = tf.reshape(pad(ids, 2, 'int32'), [b, t + 3]);
      const cacheOpts = { ...opts, segmentIds: cacheIds, queryOffset: past };
      return attention(lastRows(q), pad(k, 50, 'float32'), pad(v, 50, 'float32'), cacheOpts).dataSync();
    });
    expectClose(staticCache, tail, 1e-6, 1e-5);
    tf.dispose([...xs, ids]);
  });

  it('has gradients that match central finite differences', () => {
    const h: Heads = { heads: 2, kvHeads: 1, headDim: 2 };
    const xs = randomQkv(h, 2 * 5, 61);
    const ids = tf.tensor2d(
      [
        [1, 1, 2, 2, 2],
        [3, 3, 3, 0, 0],
      ],
      undefined,
      'int32',
    );
    const opts = { numHeads: 2, numKvHeads: 1, segmentIds: ids, slidingWindow: 2 };
    const w = tf.randomNormal(xs[0].shape, 0, 1, 'float32', 67);
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
    tf.dispose([...xs, ids, w]);
  });

  it('takes the batch size from segmentIds when there is no mask', () => {
    const xs = randomQkv(gqa, 2 * 4, 71);
    const ids = tf.tensor2d(
      [
        [1, 1, 2, 2],
        [1, 2, 2, 2],
      ],
      undefined,
      'int32',
    );
    const opts = { numHeads: 4, numKvHeads: 2, segmentIds: ids };
    const implicit = tf.tidy(() => attention(...xs, opts).dataSync());
    const explicit = tf.tidy(() => attention(...xs, { ...opts, batch: 2 }).dataSync());
    expect(Array.from(implicit)).toEqual(Array.from(explicit));
    tf.dispose([...xs, ids]);
  });

  it('rejects segment ids of the wrong shape or dtype with a message naming them', () => {
    const xs = randomQkv(gqa, 2 * 4, 81);
    const opts = { batch: 2, numHeads: 4, numKvHeads: 2 };
    const bad = {
      shape: tf.ones([2, 3], 'int32'),
      rank: tf.ones([8], 'int32'),
      dtype: tf.ones([2, 4]),
      batch: tf.ones([1, 8], 'int32'),
      mask: tf.ones([2, 4], 'int32'),
    };
    const run =
      (o: AttentionOptions): (() => tf.Tensor) =>
      () =>
        attention(...xs, o);
    expect(run({ ...opts, segmentIds: bad.shape })).toThrow(
      /attention: segmentIds must be int32 \[batch, keys\] = \[2, 4\], got \[2,3\] int32/,
    );
    expect(run({ ...opts, segmentIds: bad.rank })).toThrow(/segmentIds must be int32 .* got \[8\] int32/);
    expect(run({ ...opts, segmentIds: bad.dtype })).toThrow(
      /segmentIds must be int32 .* got \[2,4\] float32/,
    );
    // The batch comes from the mask; ids shaped for another batch size are refused.
    expect(run({ numHeads: 4, numKvHeads: 2, attentionMask: bad.mask, segmentIds: bad.batch })).toThrow(
      /segmentIds must be int32 \[batch, keys\] = \[2, 4\], got \[1,8\] int32/,
    );
    expect(run({ numHeads: 4, numKvHeads: 2 })).toThrow(
      /batch is required when no attentionMask or segmentIds/,
    );
    tf.dispose([...xs, ...Object.values(bad)]);
  });

  it('runs only the Attention kernel and allocates only its output when unpacked with a mask', async () => {
    const xs = randomQkv(gqa, 2 * 4, 91);
    const attentionMask = tf.ones([2, 4], 'int32');
    const bytesBefore = tf.memory().numBytes;
    const info = await tf.profile(() => {
      tf.dispose(attention(...xs, { numHeads: 4, numKvHeads: 2, attentionMask }));
    });
    expect(info.kernels.map((kernel) => kernel.name)).toEqual(['Attention']);
    expect(info.newTensors).toBe(0);
    expect(info.peakBytes - bytesBefore).toBe(xs[0].size * 4);
    tf.dispose([...xs, attentionMask]);
  });
});
