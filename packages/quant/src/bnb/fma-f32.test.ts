import { describe, expect, it } from 'vitest';
import { fmaF32 } from './fma-f32.js';

describe('fmaF32', () => {
  it('rounds a * b + c once to float32', () => {
    expect(fmaF32(0.5, 3, 1)).toBe(2.5);
    expect(fmaF32(Math.fround(0.1), 3, Math.fround(0.2))).toBe(
      Math.fround(Math.fround(0.1) * 3 + Math.fround(0.2)),
    );
  });

  it('is not fooled by a double that lands on a float32 tie', () => {
    // a * b = (1 + 2^-23)(1 - 2^-24) = 1 + 2^-24 - 2^-47, exact in a double. c = 2^-47 (1 + 2^-23).
    // The exact sum is 1 + 2^-24 + 2^-70: just above the float32 midpoint between 1 and 1 + 2^-23, so
    // fmaf gives 1 + 2^-23. In a double the 2^-70 is lost, the sum becomes the midpoint itself, and
    // rounding that to float32 (ties to even) would give 1.
    const a = 1 + 2 ** -23;
    const b = 1 - 2 ** -24;
    const c = 2 ** -47 * (1 + 2 ** -23);
    for (const v of [a, b, c]) expect(Math.fround(v)).toBe(v);
    expect(Math.fround(a * b + c)).toBe(1);
    expect(fmaF32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaF32(-a, b, -c)).toBe(-(1 + 2 ** -23));
    // Just below a tie whose even neighbour is the upper one: (1 + 2^-22)(1 - 2^-24) + 2^-46 (1 - 2^-24)
    // = 1 + 3 * 2^-24 - 2^-70. fmaf gives 1 + 2^-23; the double is the tie, which rounds up to 1 + 2^-22.
    const a2 = 1 + 2 ** -22;
    const c2 = 2 ** -46 * (1 - 2 ** -24);
    expect(Math.fround(c2)).toBe(c2);
    expect(Math.fround(a2 * b + c2)).toBe(1 + 2 ** -22);
    expect(fmaF32(a2, b, c2)).toBe(1 + 2 ** -23);
  });
});
