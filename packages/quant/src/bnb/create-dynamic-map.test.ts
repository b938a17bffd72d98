import { describe, expect, it } from 'vitest';
import { createDynamicMap, linspaceF32 } from './create-dynamic-map.js';
import { fmaF32 } from './fma-f32.js';

const f = Math.fround;

describe('createDynamicMap (bitsandbytes create_dynamic_map, signed, 7 exponent bits, 8 bits)', () => {
  const map = createDynamicMap();

  it('has 256 sorted float32 values: 127 negative, 0 at index 127, 127 positive, 1 at index 255', () => {
    expect(map.length).toBe(256);
    for (let i = 1; i < 256; i++) expect(map[i]!).toBeGreaterThan(map[i - 1]!);
    expect(map[127]).toBe(0);
    expect(map[255]).toBe(1);
    // The negative half mirrors the positive half without the 1.
    for (let j = 1; j <= 127; j++) expect(map[127 - j]).toBe(-map[127 + j]!);
  });

  it('has the smallest magnitude derived by hand: 10^-6 times the mean of linspace(0.1, 1, 2)', () => {
    // Exponent i = 0 has 2^0 + 1 = 2 boundaries: [0.1, 1] in float32.
    const b0 = f(0.1);
    const mean = f(f(b0 + 1) / 2); // (0.1 + 1) / 2 = 0.55 in float32
    const value = f(f(1e-6) * mean);
    expect(map[128]).toBe(value);
    expect(map[126]).toBe(-value);
    // bitsandbytes' printed table has 5.500000384017767e-07 there.
    expect(map[128]).toBe(5.500000384017767e-7);
  });

  it('has the largest magnitude derived by hand: the mean of the last two of linspace(0.1, 1, 65)', () => {
    // Exponent i = 6 has 65 boundaries; step = (1 - 0.1) / 64 in float32. The last two are in torch's
    // second half, computed from the end: b64 = 1 - step * 0 = 1, b63 = fma(-step, 1, 1).
    const step = f(f(1 - f(0.1)) / 64);
    const b63 = fmaF32(-step, 1, 1);
    const mean = f(f(b63 + 1) / 2);
    expect(map[254]).toBe(mean); // times 10^0 = 1
    expect(map[0]).toBe(-mean);
    expect(map[0]).toBe(-0.992968738079071); // bitsandbytes' printed table
  });

  it("follows torch's fused multiply-add linspace where plain float32 steps differ", () => {
    // map[20] = -(b43 + b44) / 2 of linspace(0.1, 1, 65): the 44th of the 64 means of exponent 6.
    const step = f(f(1 - f(0.1)) / 64);
    const fused = (k: number) => fmaF32(-step, 64 - k, 1);
    const plain = (k: number) => f(1 - f(step * (64 - k)));
    const meanFused = f(f(fused(43) + fused(44)) / 2);
    const meanPlain = f(f(plain(43) + plain(44)) / 2);
    expect(meanPlain).not.toBe(meanFused); // the formula matters here
    expect(map[20]).toBe(-meanFused);
    expect(map[20]).toBe(-0.7117187976837158); // bitsandbytes' printed table
  });

  it('linspaceF32 computes the first half from the start and the second half from the end', () => {
    const l = linspaceF32(0.1, 1, 5); // step 0.225
    const step = f(f(1 - f(0.1)) / 4);
    expect(l[0]).toBe(f(0.1));
    expect(l[1]).toBe(fmaF32(step, 1, f(0.1)));
    expect(l[2]).toBe(fmaF32(-step, 2, 1));
    expect(l[4]).toBe(1);
  });

  it('makes the unsigned map and smaller types like the Python (int() of the item counts, zero padding)', () => {
    const u = createDynamicMap(false);
    expect(u.length).toBe(256);
    expect(u[0]).toBe(0);
    expect(u[255]).toBe(1);
    // 4 bits: exponents 0-3 get int(2^(i-4) + 1) = 1 boundary (no means); 4, 5, 6 get 2, 3 and 5:
    // 1 + 2 + 4 means, signed 14, plus 0 and 1 = 16 values, then 240 zeros of padding.
    const four = createDynamicMap(true, 7, 4);
    expect(four.length).toBe(256);
    expect(four.filter((v) => v === 0).length).toBe(241);
    expect(four[255]).toBe(1);
  });
});
