import { describe, expect, it } from 'vitest';
import { permuteLlamaQk } from './permute-llama-qk.js';

/** transformers' RoPE on one head: rotate halves (x_i, x_{i+d/2}). */
function ropeHalves(v: number[], pos: number, base = 10000): number[] {
  const half = v.length / 2;
  const out = [...v];
  for (let i = 0; i < half; i++) {
    const a = pos * base ** ((-2 * i) / v.length);
    out[i] = v[i]! * Math.cos(a) - v[i + half]! * Math.sin(a);
    out[i + half] = v[i + half]! * Math.cos(a) + v[i]! * Math.sin(a);
  }
  return out;
}

/** llama.cpp's RoPE for the llama architecture (LLAMA_ROPE_TYPE_NORM): rotate adjacent pairs. */
function ropePairs(v: number[], pos: number, base = 10000): number[] {
  const out = [...v];
  for (let i = 0; i < v.length / 2; i++) {
    const a = pos * base ** ((-2 * i) / v.length);
    out[2 * i] = v[2 * i]! * Math.cos(a) - v[2 * i + 1]! * Math.sin(a);
    out[2 * i + 1] = v[2 * i + 1]! * Math.cos(a) + v[2 * i]! * Math.sin(a);
  }
  return out;
}

describe('permuteLlamaQk', () => {
  it('interleaves the two halves of each head: rows 0..7 over 2 heads -> 0 2 1 3 4 6 5 7', () => {
    const rows = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...permuteLlamaQk(rows, 8, 2)]).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });

  it('moves whole rows (columns stay together)', () => {
    // 4 rows x 3 columns, one head of 4: row order 0 2 1 3.
    const w = Float32Array.from({ length: 12 }, (_, i) => i);
    expect([...permuteLlamaQk(w, 4, 1)]).toEqual([0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11]);
  });

  it("makes llama.cpp's pairwise RoPE of the permuted rows the permuted RoPE of the originals, so q.k is unchanged", () => {
    const hd = 8;
    const q = Array.from({ length: hd }, (_, i) => Math.cos(3 * i + 1));
    const k = Array.from({ length: hd }, (_, i) => Math.sin(5 * i + 2));
    const p = (v: number[]) => [...permuteLlamaQk(Float32Array.from(v), hd, 1)];
    for (const pos of [0, 1, 7, 100]) {
      const hf = ropeHalves(q, pos);
      const cpp = ropePairs(p(q), pos);
      cpp.forEach((x, i) => expect(x).toBeCloseTo(p(hf)[i]!, 5));
      const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
      expect(dot(ropePairs(p(q), pos), ropePairs(p(k), pos + 3))).toBeCloseTo(
        dot(ropeHalves(q, pos), ropeHalves(k, pos + 3)),
        5,
      );
    }
  });

  it('refuses rows that do not split into heads of even size', () => {
    expect(() => permuteLlamaQk(new Float32Array(12), 6, 2)).toThrow(
      'expected whole rows and an even head size',
    );
  });
});
