import { describe, expect, it } from 'vitest';
import { FP4_CODE, FP4_MAGNITUDES, FP4_THRESHOLDS, dequantizeFp4, quantizeFp4 } from './fp4-code.js';

describe('FP4 code', () => {
  it('is get_4bit_type("fp4"): the bit-pattern magnitudes 0, 0.0625, 8, 12, 4, 6, 2, 3 over 12, then negated', () => {
    const raw = [0, 0.0625, 8, 12, 4, 6, 2, 3];
    for (let q = 0; q < 8; q++) {
      expect(FP4_CODE[q]).toBe(Math.fround(raw[q]! / 12));
      expect(FP4_CODE[q + 8]).toBe(q === 0 ? 0 : -Math.fround(raw[q]! / 12));
    }
    expect(FP4_CODE[3]).toBe(1); // 0b011 = 12, the largest
    expect(Object.is(FP4_CODE[8], 0)).toBe(true); // Python's -0 is the int 0
  });

  it("the CUDA kernel's dequantisation table equals the quant_map values", () => {
    expect([...FP4_MAGNITUDES]).toEqual(FP4_CODE.slice(0, 8));
  });

  it('round-trips every code value (the sign of zero aside)', () => {
    for (let q = 0; q < 16; q++) {
      if (q === 8) continue;
      expect(quantizeFp4(FP4_CODE[q]!), `code ${q}`).toBe(q);
      expect(dequantizeFp4(q)).toBe(FP4_CODE[q]);
    }
  });

  it('uses the kernel thresholds, not the midpoints: 0.583333 sits below 7/12', () => {
    // Between 6/12 (0b101) and 8/12 (0b010) the midpoint is 7/12 = 0.58333337 in float32, but the tree
    // compares with the literal 0.583333f = 0.58333302. A value between the two goes up to 8/12.
    const x = Math.fround(0.5833332);
    expect(x).toBeGreaterThan(FP4_THRESHOLDS[5]!);
    expect(x).toBeLessThan(Math.fround(7 / 12));
    expect(Math.abs(x - 0.5)).toBeLessThan(Math.abs(x - 8 / 12)); // 6/12 is nearer...
    expect(quantizeFp4(x)).toBe(0b010); // ...but the kernel picks 8/12
    expect(quantizeFp4(-x)).toBe(0b1010);
    // On a threshold the smaller magnitude wins (the tree compares with >).
    expect(quantizeFp4(FP4_THRESHOLDS[5]!)).toBe(0b101);
  });

  it('puts the sign in bit 3 only for x < 0; tiny negatives dequantise to -0', () => {
    expect(quantizeFp4(-0)).toBe(0);
    expect(quantizeFp4(-0.001)).toBe(0b1000);
    expect(Object.is(dequantizeFp4(0b1000), -0)).toBe(true);
    expect(quantizeFp4(NaN)).toBe(0);
  });
});
