import { describe, expect, it } from 'vitest';
import { dequantize4bit } from './dequantize-4bit.js';
import { FP4_CODE } from './fp4-code.js';
import { NF4_CODE, NF4_THRESHOLDS, quantizeNf4 } from './nf4-code.js';
import { quantize4bit } from './quantize-4bit.js';

const f = Math.fround;
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('quantize4bit NF4', () => {
  it('quantises a hand-computed 64-value block', () => {
    // The block: 2, -2, 1, -1, 0.5, 0.1, -0.3, then 57 zeros.
    const x = new Float32Array(64);
    x.set([2, -2, 1, -1, 0.5, 0.1, -0.3]);
    // absmax = 2; scale = 1/2 = 0.5 exactly; scaled: 1, -1, 0.5, -0.5, 0.25, 0.05, -0.15, 0...
    //   1     -> code 15 (1.0)
    //  -1     -> code 0 (-1.0)
    //   0.5   -> between 0.4407 (12) and 0.5626 (13), midpoint 0.5017: code 12
    //  -0.5   -> between -0.5251 (2) and -0.3949 (3), midpoint -0.4600: code 2
    //   0.25  -> between 0.2461 (10) and 0.3379 (11), midpoint 0.2920: code 10
    //   0.05  -> between 0 (7) and 0.0796 (8), midpoint 0.0398: code 8
    //  -0.15  -> between -0.1848 (5) and -0.0911 (6), midpoint -0.1379: code 5
    //   0     -> code 7
    // Bytes, first value in the high nibble: F0 C2 A8 57, then 77 for each pair of zeros.
    const w = quantize4bit(x, [4, 16], { quantType: 'nf4' });
    expect(w.absmax).toEqual(new Float32Array([2]));
    expect(w.nested).toBeUndefined();
    expect(w.packed.length).toBe(32);
    expect(hex(w.packed.subarray(0, 4))).toBe('f0 c2 a8 57');
    expect([...w.packed.subarray(4)].every((b) => b === 0x77)).toBe(true);
    // Dequantised: code value * absmax (exact here: times 2).
    const d = dequantize4bit(w);
    expect([...d.subarray(0, 8)]).toEqual([
      2,
      -2,
      2 * NF4_CODE[12]!,
      2 * NF4_CODE[2]!,
      2 * NF4_CODE[10]!,
      2 * NF4_CODE[8]!,
      2 * NF4_CODE[5]!,
      0,
    ]);
  });

  it('puts the first value of each pair in the high nibble', () => {
    expect(hex(quantize4bit(new Float32Array([1, -1]), [2]).packed)).toBe('f0');
    expect(hex(quantize4bit(new Float32Array([-1, 1]), [2]).packed)).toBe('0f');
    expect(hex(quantize4bit(new Float32Array([-1, 1, 0.5, -0.5]), [2, 2]).packed)).toBe('0f c2');
  });

  it('pads an odd count with the code of 0 in the last low nibble', () => {
    // 1, -1, 0.5 -> F0, then 0.5 (code 12) with the pad 0 (code 7): C7.
    expect(hex(quantize4bit(new Float32Array([1, -1, 0.5]), [3]).packed)).toBe('f0 c7');
  });

  it('gives an all-zero block absmax 0 and codes 0 (0 * 1/0 is NaN on the GPU), dequantised to -0', () => {
    const w = quantize4bit(new Float32Array(3), [3]);
    expect(w.absmax).toEqual(new Float32Array([0]));
    expect(hex(w.packed)).toBe('00 00'); // the pad is scaled by 1/0 too
    for (const v of dequantize4bit(w)) expect(Object.is(v, -0)).toBe(true);
  });

  it('scales by the float32 reciprocal of the absmax, as the kernel does, not by dividing', () => {
    // Look near each threshold t for values x (with absmax m) where x * fround(1/m) and x / m fall on
    // different sides of t: a few float32 steps around t * m.
    const steps = new Float32Array(1);
    const bits = new Int32Array(steps.buffer);
    let found = 0;
    for (let m = 3; m < 200 && found < 5; m += 2) {
      const r = f(1 / m);
      for (const t of NF4_THRESHOLDS) {
        steps[0] = t * m;
        for (let d = -4; d <= 4; d++) {
          bits[0]! += d === -4 ? -4 : 1;
          const x = steps[0]!;
          if (Math.abs(x) >= m || quantizeNf4(f(x * r)) === quantizeNf4(f(x / m))) continue;
          const w = quantize4bit(new Float32Array([m, x]), [2]);
          expect(w.packed[0]! & 0x0f).toBe(quantizeNf4(f(x * r)));
          found++;
        }
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it('takes a shorter last block and other blocksizes', () => {
    const x = new Float32Array(70).map((_, i) => (i % 7) - 3);
    x[69] = 0.5;
    const w = quantize4bit(x, [70], { blocksize: 64 });
    expect(w.absmax!.length).toBe(2);
    expect(w.absmax![1]).toBe(2); // values 64..69: -2, -1, 0, 1, 2, 0.5
    expect(quantize4bit(x, [70], { blocksize: 32 }).absmax!.length).toBe(3);
    expect(quantize4bit(x, [70], { blocksize: 4096 }).absmax!.length).toBe(1);
  });

  it('rounds the values to the weight dtype first and dequantises to it', () => {
    const x = new Float32Array([1.00390625, 0.3]); // 1 + 2^-8 is not a bfloat16: it rounds to 1
    const w = quantize4bit(x, [2], { dtype: 'bfloat16' });
    expect(w.absmax![0]).toBe(1);
    const d = dequantize4bit(w);
    // 0.3 -> code 11 (0.3379), times 1, rounded to bfloat16: 0.337890625.
    expect(d[1]).toBe(0.337890625);
  });

  it('rejects bad input, naming the tensor', () => {
    const opts = { name: 'layer.weight' };
    expect(() => quantize4bit(new Float32Array([1, NaN]), [2], opts)).toThrow(
      /"layer\.weight".*NaN at flat index 1/,
    );
    expect(() => quantize4bit(new Float32Array(4), [3], opts)).toThrow(/shape \[3\] holds 3 values; got 4/);
    expect(() => quantize4bit(new Float32Array(4), [4], { blocksize: 48 })).toThrow(/blocksize 48/);
    expect(() => quantize4bit(new Float32Array(4), [4], { quantType: 'int4' as 'nf4' })).toThrow(/"int4"/);
    expect(() => quantize4bit([1, 2] as unknown as Float32Array, [2])).toThrow(/Float32Array, got Array/);
  });
});

describe('quantize4bit FP4', () => {
  it('quantises a hand-computed block', () => {
    // absmax 12; scale = fround(1/12) = 0.083333336; scaled values (float32):
    //   12   -> 1.0        -> magnitude rank 7 -> 0b011 = 3
    //   -6   -> -0.5       -> sign 0b1000, 0.5 > 0.4166667, not > 0.583333 -> 0b101: 13
    //   2    -> 0.16666667 -> > 0.0859375, not > 0.20833333 -> 0b110 = 6
    //   0.01 -> 0.00083   -> not > 0.00260417 -> 0
    //   -0.01               -> sign only: 8
    // Bytes: 3D 60 8(pad 0) -> 3d 60 80.
    const w = quantize4bit(new Float32Array([12, -6, 2, 0.01, -0.01]), [5], { quantType: 'fp4' });
    expect(hex(w.packed)).toBe('3d 60 80');
    const d = dequantize4bit(w);
    expect([...d.subarray(0, 4)]).toEqual([12, -6, f(FP4_CODE[6]! * 12), 0]);
    expect(d[2]).toBe(2);
    expect(Object.is(d[4], -0)).toBe(true);
  });
});

describe('quantize4bit with double quantisation', () => {
  it('replaces absmax by its nested form and dequantises through it', () => {
    const x = new Float32Array(64 * 300).map(
      (_, i) => Math.sin(i * 0.37) * (1 + (i % 64) / 64) * (((i >> 6) % 5) + 1),
    );
    const plain = quantize4bit(x, [300, 64]);
    const nested = quantize4bit(x, [300, 64], { compressStatistics: true });
    expect(nested.absmax).toBeUndefined();
    expect(nested.nested!.codes.length).toBe(300);
    expect(nested.nested!.absmax.length).toBe(2); // 300 absmax in blocks of 256
    expect(nested.packed).toEqual(plain.packed); // the codes use the exact absmax
    const a = dequantize4bit(plain);
    const b = dequantize4bit(nested);
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(a[i]!) || 1));
    expect(worst).toBeLessThan(0.02); // the absmax error is < 1% of the largest absmax in its block
  });
});
