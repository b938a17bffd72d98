import { describe, expect, it } from 'vitest';
import { NF4_CODE, NF4_THRESHOLDS, dequantizeNf4, quantizeNf4 } from './nf4-code.js';

// The table as bitsandbytes prints it (functional.get_4bit_type("nf4"), kernels.cu nf4_dequantization_lut).
const BNB_NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

const nextUp = (x: number) => {
  const f = new Float32Array([x]);
  const u = new Int32Array(f.buffer);
  u[0]! += x >= 0 ? 1 : -1;
  return f[0]!;
};

describe('NF4 code', () => {
  it('has the 16 bitsandbytes values, each a float32, sorted, from -1 to 1 with 0 at index 7', () => {
    expect([...NF4_CODE]).toEqual(BNB_NF4);
    for (const v of NF4_CODE) expect(Math.fround(v)).toBe(v);
    for (let i = 1; i < 16; i++) expect(NF4_CODE[i]!).toBeGreaterThan(NF4_CODE[i - 1]!);
    expect(NF4_CODE[7]).toBe(0);
  });

  it("the CUDA tree's thresholds are the float32 midpoints of adjacent codes", () => {
    for (let i = 0; i < 15; i++) {
      const mid = Math.fround(Math.fround(NF4_CODE[i]! + NF4_CODE[i + 1]!) / 2);
      expect(NF4_THRESHOLDS[i], `threshold ${i}`).toBe(mid);
    }
  });

  it('picks the nearest code; a value exactly on a threshold takes the lower code', () => {
    for (let i = 0; i < 16; i++) expect(quantizeNf4(NF4_CODE[i]!)).toBe(i);
    for (let i = 0; i < 15; i++) {
      const t = NF4_THRESHOLDS[i]!;
      expect(quantizeNf4(t), `on threshold ${i}`).toBe(i);
      expect(quantizeNf4(nextUp(t)), `just above threshold ${i}`).toBe(i + 1);
    }
    // 0.05 lies between 0 (code 7) and 0.0796 (code 8); the midpoint is 0.0398, so code 8.
    expect(quantizeNf4(0.05)).toBe(8);
    // -0.15 lies between -0.1848 (code 5) and -0.0911 (code 6); the midpoint is -0.1379, so code 5.
    expect(quantizeNf4(-0.15)).toBe(5);
  });

  it('gives NaN (an all-zero block, 0 * 1/0) code 0 as the GPU does', () => {
    expect(quantizeNf4(NaN)).toBe(0);
    expect(dequantizeNf4(0)).toBe(-1);
  });

  it('dequantises with the low 4 bits only', () => {
    expect(dequantizeNf4(0xf7)).toBe(0);
    expect(dequantizeNf4(0x0f)).toBe(1);
  });
});
