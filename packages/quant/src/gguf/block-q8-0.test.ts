import { describe, expect, it } from 'vitest';
import { dequantizeQ8_0, quantizeQ8_0 } from './block-q8-0.js';
import { fromF16Bits } from './half.js';

const d16 = (block: Uint8Array) => new DataView(block.buffer, block.byteOffset).getUint16(0, true);
const qs = (block: Uint8Array) => [...new Int8Array(block.buffer, block.byteOffset + 2, 32)];

describe('quantizeQ8_0', () => {
  it('a block whose largest |x| is 127: d = 127/127 = 1 (f16 0x3c00), qs = roundf(x), halves away from zero', () => {
    const x = new Float32Array(32);
    x.set([127, -127, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49, -0.51, 3.25, -100.75]);
    const block = quantizeQ8_0(x);
    expect(block.length).toBe(34);
    expect(d16(block)).toBe(0x3c00);
    // Math.round would give 0, -2 and -2 for -0.5, -1.5 and -2.5; C's roundf gives -1, -2, -3.
    expect(qs(block).slice(0, 12)).toEqual([127, -127, 1, -1, 2, -2, 3, -3, 0, -1, 3, -101]);
    expect(qs(block).slice(12)).toEqual(new Array(20).fill(0));
  });

  it('takes amax from a negative value: -254 gives d = 2 (f16 0x4000), x / 2 rounded', () => {
    const x = new Float32Array(32).fill(3); // 3 / 2 = 1.5 -> 2
    x[7] = -254;
    x[8] = -5; // -2.5 -> -3
    const block = quantizeQ8_0(x);
    expect(d16(block)).toBe(0x4000);
    expect(qs(block)[7]).toBe(-127);
    expect(qs(block)[8]).toBe(-3);
    expect(qs(block)[0]).toBe(2);
  });

  it('an all-zero block is all-zero bytes (d = 0, no division)', () => {
    expect([...quantizeQ8_0(new Float32Array(32))]).toEqual(new Array(34).fill(0));
  });

  it('blocks follow each other, 34 bytes apart', () => {
    const x = new Float32Array(64);
    x[0] = 127;
    x[32] = -127 * 4; // second block: d = 4
    const bytes = quantizeQ8_0(x);
    expect(bytes.length).toBe(68);
    expect(d16(bytes.subarray(34))).toBe(0x4400);
    expect(qs(bytes.subarray(34))[0]).toBe(-127);
  });

  it('round trips within half a step (plus the f16 rounding of d)', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const x = Float32Array.from({ length: 32 * 50 }, (_, i) => rand() * (1 + (i >> 5)));
    const y = dequantizeQ8_0(quantizeQ8_0(x));
    for (let b = 0; b < 50; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...block.map(Math.abs));
      const d = fromF16Bits(d16(quantizeQ8_0(block)));
      expect(Math.abs(d - amax / 127)).toBeLessThanOrEqual((amax / 127) * 2 ** -11);
      for (let j = 0; j < 32; j++)
        expect(Math.abs(y[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(
          d / 2 + 127 * Math.abs(d - amax / 127),
        );
    }
  });

  it('refuses a length that is not whole blocks', () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(
      '33 values are not a whole number of blocks of 32',
    );
    expect(() => dequantizeQ8_0(new Uint8Array(35))).toThrow(
      '35 bytes are not a whole number of 34-byte blocks',
    );
  });
});
