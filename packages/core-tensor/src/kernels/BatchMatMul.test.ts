import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { stockKernel } from './register-all-kernels.js';

/** Runs tfjs's own kernel (the one we replaced) on the active backend. */
function runStock(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const config = stockKernel(kernelName, tf.getBackend());
  if (config == null) throw new Error(`no stock ${kernelName} on ${tf.getBackend()}`);
  const info = config.kernelFunc({ inputs, backend: tf.backend(), attrs }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Float64 reference for one [m,k] x [k,n] product of plain arrays. */
function naiveMatMul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out.push(s);
    }
  return out;
}

function expectClose(got: tf.Tensor, want: tf.Tensor | number[], tol = 1e-4): void {
  const w = Array.isArray(want) ? want : Array.from(want.dataSync());
  if (!Array.isArray(want)) expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  expect(g.length).toBe(w.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThan(tol);
}

const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Stored shape of an operand whose logical (un-transposed) matrix is rows x cols. */
const stored = (batch: number[], rows: number, cols: number, transposed: boolean) =>
  transposed ? [...batch, cols, rows] : [...batch, rows, cols];

describe.each(['cpu', 'wasm'])('BatchMatMul on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(() => tf.disposeVariables());

  // [batch dims of a, batch dims of b]: the broadcasts tfjs's kernels get right (equal, or one side 1).
  const batchCases: [number[], number[]][] = [
    [[], []],
    [[3], [3]],
    [[4], []],
    [
      [2, 3],
      [2, 3],
    ],
    [[3], [1]],
  ];
  // Small matrices stay on tfjs's loop on wasm; large ones (> 32^3 multiply-adds) take our XNNPACK routes.
  const sizes: [number, number, number][] = [
    [7, 13, 5],
    [37, 33, 29],
  ];
  for (const [aBatch, bBatch] of batchCases) {
    for (const [ta, tb] of combos) {
      it.each(sizes)(
        `matches tfjs's kernel for batch [${aBatch}] x [${bBatch}], transposeA=${ta}, transposeB=${tb}, m k n = %i %i %i`,
        (m, k, n) => {
          const a = tf.randomUniform(stored(aBatch, m, k, ta), -1, 1, 'float32', 1);
          const b = tf.randomUniform(stored(bBatch, k, n, tb), -1, 1, 'float32', 2);
          const before = tf.memory().numTensors;
          const dataIdsBefore = tf.backend().numDataIds();
          const got = tf.matMul(a, b, ta, tb);
          const want = runStock(tf.BatchMatMul, { a, b }, { transposeA: ta, transposeB: tb });
          expectClose(got, want);
          tf.dispose([got, want]);
          expect(tf.memory().numTensors).toBe(before);
          expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
          tf.dispose([a, b]);
        },
      );
    }
  }

  it('broadcasts batch dims per dimension ([2,1] x [1,3] batches)', () => {
    const [m, k, n] = [3, 4, 2];
    const a = tf.randomUniform([2, 1, m, k], -1, 1, 'float32', 3);
    const b = tf.randomUniform([1, 3, k, n], -1, 1, 'float32', 4);
    const got = tf.matMul(a, b);
    expect(got.shape).toEqual([2, 3, m, n]);
    const av = a.dataSync();
    const bv = b.dataSync();
    const want: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        want.push(...naiveMatMul(av.subarray(i * m * k), bv.subarray(j * k * n), m, k, n));
    expectClose(got, want);
    tf.dispose([a, b, got]);
  });

  it('broadcasts a single left matrix over a batch of right ones', () => {
    const [m, k, n] = [5, 6, 3];
    const a = tf.randomUniform([m, k], -1, 1, 'float32', 5);
    const b = tf.randomUniform([4, n, k], -1, 1, 'float32', 6);
    const got = tf.matMul(a, b, false, true);
    const av = a.dataSync();
    const bt = tf.transpose(b, [0, 2, 1]);
    const btv = bt.dataSync();
    const want: number[] = [];
    for (let j = 0; j < 4; j++) want.push(...naiveMatMul(av, btv.subarray(j * k * n), m, k, n));
    expectClose(got, want);
    tf.dispose([a, b, bt, got]);
  });

  it('handles 1-row and 1-column operands and empty dims, without leaking', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.randomUniform([1, 9], -1, 1, 'float32', 7);
      const b = tf.randomUniform([9, 1], -1, 1, 'float32', 8);
      expectClose(tf.matMul(a, b), naiveMatMul(a.dataSync(), b.dataSync(), 1, 9, 1));
      expectClose(tf.matMul(a, b, true, true), naiveMatMul(a.dataSync(), b.dataSync(), 9, 1, 9));
      const emptyShared = tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3]));
      expect(Array.from(emptyShared.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 3])).shape).toEqual([0, 3]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched inner sizes with both shapes in the message', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 2]);
    expect(() => tf.matMul(a, b)).toThrow(/3.*4|\[2,3\]/);
    tf.dispose([a, b]);
  });

  it("gives the same gradients as tfjs's kernel through matMul's backward (transpose flags)", () => {
    const x = tf.randomUniform([6, 8], -1, 1, 'float32', 9);
    const w = tf.randomUniform([5, 8], -1, 1, 'float32', 10);
    const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww, false, true)));
    const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => loss(xx, ww))([x, w]);
    // Reference by hand: d/dX sum((XWᵀ)²) = 2·(XWᵀ)·W, d/dW = 2·(XWᵀ)ᵀ·X.
    const y = naiveMatMul(x.dataSync(), tf.transpose(w).dataSync(), 6, 8, 5).map((v) => 2 * v);
    expectClose(dx!, naiveMatMul(y, w.dataSync(), 6, 5, 8));
    const yt: number[] = [];
    for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) yt.push(y[i * 5 + j]!);
    expectClose(dw!, naiveMatMul(yt, x.dataSync(), 5, 6, 8));
    tf.dispose([x, w, dx!, dw!]);
  });
});
