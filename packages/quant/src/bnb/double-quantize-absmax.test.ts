import { Generator } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { createDynamicMap } from './create-dynamic-map.js';
import { dequantizeNestedAbsmax, doubleQuantizeAbsmax } from './double-quantize-absmax.js';
import { dequantizeBlockwise, quantizeBlockwise, quantizeWithMap } from './quantize-blockwise.js';

const f = Math.fround;
const map = createDynamicMap();

describe('quantizeWithMap (the kernel dQuantize<0>)', () => {
  it('finds the nearest map value; on a midpoint it keeps the value the search ended on', () => {
    const g = new Generator(7);
    for (const x of g.uniform(2000, -1, 1)) {
      const q = quantizeWithMap(map, x);
      let best = Infinity;
      for (const v of map) best = Math.min(best, Math.abs(v - x));
      expect(Math.abs(map[q]! - x), `x = ${x}`).toBeLessThanOrEqual(best + 1e-12);
    }
    for (let k = 0; k < 256; k++) expect(quantizeWithMap(map, map[k]!)).toBe(k);
    expect(quantizeWithMap(map, 1)).toBe(255);
    expect(quantizeWithMap(map, -1)).toBe(0); // below the smallest value -0.99296875
    expect(quantizeWithMap(map, NaN)).toBe(0);
  });
});

describe('doubleQuantizeAbsmax', () => {
  it('centres on the mean and quantises with the dynamic map in blocks of 256 (hand-computed)', () => {
    // absmax 1, 2, 3, 6: offset = 12 / 4 = 3; centred -2, -1, 0, 3; block absmax 3, scale fround(1/3).
    const n = doubleQuantizeAbsmax(new Float32Array([1, 2, 3, 6]));
    expect(n.offset).toBe(3);
    expect(n.blocksize).toBe(256);
    expect(n.absmax).toEqual(new Float32Array([3]));
    const r = f(1 / 3);
    const scaled = [-2, -1, 0, 3].map((v) => f(v * r)); // -0.6666667, -0.33333334, 0, 1
    expect(scaled[3]).toBe(1);
    expect([...n.codes]).toEqual(scaled.map((s) => quantizeWithMap(map, s)));
    expect(n.codes[2]).toBe(127); // 0
    expect(n.codes[3]).toBe(255); // 1
    // Back: code * 3 + 3 in float32: the exact 3 and 6 survive, 1 and 2 come back within half a map gap.
    const back = dequantizeNestedAbsmax(n);
    expect(back[2]).toBe(3);
    expect(back[3]).toBe(6);
    expect(Math.abs(back[0]! - 1)).toBeLessThan(0.02);
    expect(Math.abs(back[1]! - 2)).toBeLessThan(0.02);
  });

  it('round-trips within half the widest gap of the map times the block absmax', () => {
    let maxGap = 0;
    for (let i = 1; i < 256; i++) maxGap = Math.max(maxGap, map[i]! - map[i - 1]!);
    expect(maxGap).toBeCloseTo(0.0140625, 6); // 0.9 / 64, the steps of the top decade
    const g = new Generator(3);
    const absmax = g.uniform(1000, 0.01, 0.2); // 4 nested blocks, the last one of 232
    const n = doubleQuantizeAbsmax(absmax);
    expect(n.absmax.length).toBe(4);
    const back = dequantizeNestedAbsmax(n);
    for (let i = 0; i < absmax.length; i++) {
      const bound = (maxGap / 2) * n.absmax[Math.floor(i / 256)]! + 1e-7;
      expect(Math.abs(back[i]! - absmax[i]!), `absmax ${i}`).toBeLessThanOrEqual(bound);
    }
  });

  it('maps a block of equal absmax (centred zeros: 0 * 1/0) to code 0 and back to the offset exactly', () => {
    const n = doubleQuantizeAbsmax(new Float32Array([0.5, 0.5, 0.5]));
    expect(n.absmax).toEqual(new Float32Array([0]));
    expect([...n.codes]).toEqual([0, 0, 0]);
    expect(dequantizeNestedAbsmax(n)).toEqual(new Float32Array([0.5, 0.5, 0.5]));
  });

  it('takes a given offset (bitsandbytes’ own nested_offset)', () => {
    const n = doubleQuantizeAbsmax(new Float32Array([1, 2, 3, 6]), { offset: 2.5 });
    expect(n.offset).toBe(2.5);
    expect(n.absmax[0]).toBe(3.5);
  });
});

describe('quantizeBlockwise', () => {
  it('uses one absmax per block and dequantises code * absmax', () => {
    const x = new Float32Array(300).map((_, i) => Math.cos(i) * (i < 256 ? 1 : 4));
    const q = quantizeBlockwise(x, map, 256);
    expect(q.absmax.length).toBe(2);
    const back = dequantizeBlockwise(q);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBe(f(map[q.codes[i]!]! * q.absmax[i >> 8]!));
    expect(() => quantizeBlockwise(x, map, 32)).toThrow(/blocksize 32/);
    expect(() => quantizeBlockwise(x, map.subarray(0, 16), 256)).toThrow(/16 values; expected 256/);
  });
});
