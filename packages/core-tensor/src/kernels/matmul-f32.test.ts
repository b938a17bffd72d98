import { describe, expect, it } from 'vitest';
import { batchMatMulF32, matMulPanels, packPanels } from './matmul-f32.js';
import { matMulGeometry } from './matmul-geometry.js';

/** Deterministic values in [-1, 1). */
function random(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Textbook triple loop in float64: element (i, p) of A at a[i*sa0 + p*sa1], (p, j) of B at b[p*sb0 + j*sb1]. */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

describe('packed float32 matmul', () => {
  // Sizes straddle the 4x4 tile (edges), the 256-deep k block, and degenerate rows/columns.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 9],
    [3, 300, 10],
    [5, 3, 2],
    [4, 4, 4],
    [13, 300, 10],
    [33, 257, 17],
    [64, 64, 64],
  ];
  for (const [m, k, n] of shapes) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`[${m}x${k}] x [${k}x${n}] transposeA=${ta} transposeB=${tb}`, () => {
        const a = random(m * k, m * 31 + k);
        const b = random(k * n, n * 17 + k);
        const g = matMulGeometry(ta ? [k, m] : [m, k], tb ? [n, k] : [k, n], ta, tb);
        const got = batchMatMulF32(a, b, g, ta, tb);
        expect(maxAbsDiff(got, naive(a, b, m, k, n, ta, tb))).toBeLessThan(1e-5 * Math.sqrt(k));
      });
    }
  }

  it('gives zeros when the shared dimension is empty', () => {
    const g = matMulGeometry([3, 0], [0, 5], false, false);
    const got = batchMatMulF32(new Float32Array(0), new Float32Array(0), g, false, false);
    expect(Array.from(got)).toEqual(new Array(15).fill(0));
  });

  it('accumulates into the output at an offset and leaves the rest alone', () => {
    const a = random(6, 1);
    const b = random(6, 2);
    const c = new Float32Array(10).fill(1);
    matMulPanels(packPanels(a, 0, 2, 3, 3, 1), packPanels(b, 0, 2, 3, 1, 2), c, 3, 2, 2, 3);
    const expected = naive(a, b, 2, 3, 2, false, false);
    expect(c[0]).toBe(1);
    expect(c[7]).toBe(1);
    expect(
      maxAbsDiff(
        c.subarray(3, 7),
        expected.map((v) => v + 1),
      ),
    ).toBeLessThan(1e-6);
  });

  it('maps broadcast batches to the right operands', () => {
    // a: [2, 1, m, k], b: [3, k, n] -> out [2, 3, m, n]; out (i, j) = a[i] x b[j].
    const [m, k, n] = [3, 5, 2];
    const a = random(2 * m * k, 7);
    const b = random(3 * k * n, 8);
    const g = matMulGeometry([2, 1, m, k], [3, k, n], false, false);
    expect(g.outShape).toEqual([2, 3, m, n]);
    const got = batchMatMulF32(a, b, g, false, false);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        const ref = naive(a.subarray(i * m * k), b.subarray(j * k * n), m, k, n, false, false);
        const t = i * 3 + j;
        expect(maxAbsDiff(got.subarray(t * m * n, (t + 1) * m * n), ref)).toBeLessThan(1e-5);
      }
  });
});
