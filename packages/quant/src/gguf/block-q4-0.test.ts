import { describe, expect, it } from 'vitest';
import { dequantizeQ4_0, quantizeQ4_0 } from './block-q4-0.js';
import { fromF16Bits } from './half.js';

const d16 = (block: Uint8Array) => new DataView(block.buffer, block.byteOffset).getUint16(0, true);
/** The 32 nibbles of a block in element order: byte j holds element j (low) and j + 16 (high). */
const nibbles = (block: Uint8Array) => {
  const q = [...block.subarray(2, 18)];
  return [...q.map((b) => b & 15), ...q.map((b) => b >> 4)];
};

describe('quantizeQ4_0', () => {
  it('largest |x| negative: max = -8, d = -8/-8 = 1 (f16 0x3c00), q = min(15, trunc(x + 8.5))', () => {
    const x = new Float32Array(32);
    x.set([-8, 7, 7.5, 0, -0.5, 0.49, 0.5, -0.51, 3, -3]);
    x[16] = 6.4; // high nibble of byte 0
    const block = quantizeQ4_0(x);
    expect(block.length).toBe(18);
    expect(d16(block)).toBe(0x3c00);
    // -8+8.5=0.5->0; 15.5->15; 16->15 (clamped); 8.5->8; 8->8; 8.99->8; 9->9; 7.99->7; 11.5->11; 5.5->5
    expect(nibbles(block).slice(0, 10)).toEqual([0, 15, 15, 8, 8, 8, 9, 7, 11, 5]);
    expect(nibbles(block)[16]).toBe(14); // 6.4+8.5=14.9 -> 14
    expect(block[2]).toBe(0 | (14 << 4));
    expect(nibbles(block).slice(17)).toEqual(new Array(15).fill(8));
  });

  it('largest |x| positive: max = 16, d = 16/-8 = -2 (f16 0xc000); its opposite clamps to 15', () => {
    const x = new Float32Array(32);
    x.set([2, -2, 16, -16, 5]);
    const block = quantizeQ4_0(x);
    expect(d16(block)).toBe(0xc000);
    // x/d + 8.5 with x/d = -x/2: 2 -> 7.5 -> 7; -2 -> 9.5 -> 9; 16 -> 0.5 -> 0; -16 -> 16.5 -> 15; 5 -> 6
    expect(nibbles(block).slice(0, 5)).toEqual([7, 9, 0, 15, 6]);
    const y = dequantizeQ4_0(block);
    expect([...y.slice(0, 5)]).toEqual([2, -2, 16, -14, 4]); // (q - 8) * -2
  });

  it('ties in |x|: the first element wins (ggml compares with <), which sets the sign of d', () => {
    const neg = new Float32Array(32);
    neg[3] = -4;
    neg[10] = 4;
    const pos = new Float32Array(32);
    pos[3] = 4;
    pos[10] = -4;
    expect(fromF16Bits(d16(quantizeQ4_0(neg)))).toBe(0.5); // -4 / -8
    expect(fromF16Bits(d16(quantizeQ4_0(pos)))).toBe(-0.5); // 4 / -8
    expect(nibbles(quantizeQ4_0(neg))[10]).toBe(15); // 4 / 0.5 + 8.5 = 16.5 -> 15
  });

  it('an all-zero block: d = 0 / -8 = -0 (f16 0x8000, as in C) and every nibble is 8 (0 * 0 + 8.5)', () => {
    expect([...quantizeQ4_0(new Float32Array(32))]).toEqual([0x00, 0x80, ...new Array(16).fill(0x88)]);
  });

  it('round trips within half a step, or one step for the clamped opposite extreme', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const x = Float32Array.from({ length: 32 * 50 }, () => rand());
    const bytes = quantizeQ4_0(x);
    const y = dequantizeQ4_0(bytes);
    for (let b = 0; b < 50; b++) {
      const d = Math.abs(fromF16Bits(d16(bytes.subarray(b * 18))));
      const block = x.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...block.map(Math.abs));
      expect(Math.abs(d - amax / 8)).toBeLessThanOrEqual((amax / 8) * 2 ** -11);
      for (let j = 0; j < 32; j++) {
        const err = Math.abs(y[b * 32 + j]! - block[j]!);
        const clamped = Math.abs(block[j]! / d) > 7.5;
        expect(err).toBeLessThanOrEqual((clamped ? d : d / 2) + 8 * Math.abs(d - amax / 8) + 1e-7);
      }
    }
  });

  it('refuses a length that is not whole blocks', () => {
    expect(() => quantizeQ4_0(new Float32Array(40))).toThrow(
      '40 values are not a whole number of blocks of 32',
    );
    expect(() => dequantizeQ4_0(new Uint8Array(17))).toThrow(
      '17 bytes are not a whole number of 18-byte blocks',
    );
  });
});
