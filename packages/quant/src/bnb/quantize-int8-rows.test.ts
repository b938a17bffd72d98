import { describe, expect, it } from 'vitest';
import { dequantizeBnbWeight, quantizeBnbWeight } from './bnb-weight.js';
import { INV_127, dequantizeInt8Rows, quantizeInt8Rows, roundHalfEven } from './quantize-int8-rows.js';

const f = Math.fround;

describe('quantizeInt8Rows (LLM.int8())', () => {
  it('quantises hand-computed rows', () => {
    // Row 0: 1, -2, 0.5, 4 -> SCB 4, scale 127/4 = 31.75:
    //   31.75 -> 32, -63.5 -> -64 (half to even), 15.875 -> 16, 127 -> 127.
    // Row 1: 0.5, -1, 0.25, 0.125 -> SCB 1, scale 127:
    //   63.5 -> 64 (half to even), -127, 31.75 -> 32, 15.875 -> 16.
    const x = new Float32Array([1, -2, 0.5, 4, 0.5, -1, 0.25, 0.125]);
    const q = quantizeInt8Rows(x, 2, 4);
    expect([...q.scb]).toEqual([4, 1]);
    expect([...q.int8]).toEqual([32, -64, 16, 127, 64, -127, 32, 16]);
    expect(q.outlierCols).toEqual([]);
    // Back: int8 * SCB * (1/127), each product in float32.
    const d = dequantizeInt8Rows(q);
    expect(d[3]).toBe(f(f(127 * 4) * INV_127));
    expect(d[1]).toBe(f(f(-64 * 4) * INV_127));
    expect(Math.abs(d[1]! + 2)).toBeLessThan(4 / 127);
  });

  it('rounds halves to even, like torch.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, -3,
    ]);
  });

  it('leaves outliers out of SCB and zeroes their columns when a threshold is set', () => {
    // Column 2 of row 0 holds 8 >= 6: SCB of row 0 is 2 (not 8); column 2 is zeroed in both rows.
    const x = new Float32Array([1, -2, 8, 0.5, 1, 2, 3, -4]);
    const q = quantizeInt8Rows(x, 2, 4, { threshold: 6 });
    expect(q.outlierCols).toEqual([2]);
    expect([...q.scb]).toEqual([2, 4]);
    expect([...q.int8]).toEqual([64, -127, 0, 32, 32, 64, 0, -127]);
    // A single row keeps its other values; only the outlier itself is 0.
    const one = quantizeInt8Rows(new Float32Array([1, 8, -1]), 1, 3, { threshold: 6 });
    expect([...one.int8]).toEqual([127, 0, -127]);
  });

  it('gives a row of zeros SCB 0 and int8 0', () => {
    const q = quantizeInt8Rows(new Float32Array([0, 0, 1, 2]), 2, 2);
    expect([...q.scb]).toEqual([0, 2]);
    expect([...q.int8]).toEqual([0, 0, 64, 127]);
    expect(() => quantizeInt8Rows(new Float32Array(4), 2, 2, { threshold: -1 })).toThrow(/threshold -1/);
  });

  it('quantizes a weight as Int8Params does: cast to float16 first', () => {
    // 0.1 is 0.0999755859375 in float16, so SCB is that, not 0.1.
    const w = quantizeBnbWeight(new Float32Array([0.1, -0.05, 0.025, 0]), [2, 2], { bits: 8 });
    if (w.bits !== 8) throw new Error('expected an 8-bit weight');
    expect(w.weight.scb[0]).toBe(0.0999755859375);
    expect(w.weight.int8[0]).toBe(127);
    expect(dequantizeBnbWeight(w).length).toBe(4);
    expect(() => quantizeBnbWeight(new Float32Array(8), [2, 2, 2], { bits: 8, name: 'a.weight' })).toThrow(
      /"a\.weight".*2-D/,
    );
    expect(() => quantizeBnbWeight(new Float32Array([1e5, 0]), [1, 2], { bits: 8 })).toThrow(
      /overflows float16/,
    );
  });
});
