import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from './half-float.js';

// Independent oracle: the 16-bit formats described by IEEE 754 parameters, decoded with Math.pow, and
// rounding by comparing distances to the two neighbouring representable values.
interface Format {
  expBits: number;
  mantBits: number;
}
const BF16: Format = { expBits: 8, mantBits: 7 };
const F16: Format = { expBits: 5, mantBits: 10 };

const bias = (f: Format) => 2 ** (f.expBits - 1) - 1;
const expMax = (f: Format) => 2 ** f.expBits - 1;

/** Bits of (sign, biased exponent, mantissa) in format `f`, built from the definition. */
function pack(f: Format, sign: 0 | 1, exp: number, mant: number): number {
  return (sign << (f.expBits + f.mantBits)) | (exp << f.mantBits) | mant;
}

/** Value of bit pattern `h` of format `f` per IEEE 754 (NaN for any NaN). */
function decode(f: Format, h: number): number {
  const sign = h >> (f.expBits + f.mantBits) ? -1 : 1;
  const exp = (h >> f.mantBits) & expMax(f);
  const mant = h & (2 ** f.mantBits - 1);
  if (exp === expMax(f)) return mant === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * mant * 2 ** (1 - bias(f) - f.mantBits);
  return sign * (1 + mant / 2 ** f.mantBits) * 2 ** (exp - bias(f));
}

/** Non-negative finite values of `f`, indexed by their bit pattern (ascending). */
function positives(f: Format): number[] {
  const count = pack(f, 0, expMax(f), 0); // +Inf's pattern = number of finite non-negative patterns
  return Array.from({ length: count }, (_, h) => decode(f, h));
}

function referenceRound(f: Format, table: number[], x: number): number | 'nan' {
  if (Number.isNaN(x)) return 'nan';
  const sign = x < 0 || Object.is(x, -0) ? 1 : 0;
  const a = Math.abs(x);
  const signBit = sign << (f.expBits + f.mantBits);
  const overflowAt = 2 ** (expMax(f) - bias(f)); // where the exponent range ends (the Inf pattern's place)
  if (a >= overflowAt) return signBit | table.length;
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  const lower = table[lo]!;
  if (lower === a) return signBit | lo;
  const upper = lo + 1 < table.length ? table[lo + 1]! : overflowAt;
  const below = a - lower;
  const above = upper - a;
  const pick = below < above ? lo : above < below ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  return signBit | pick;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
function floatOfBits(u: number): number {
  f32Bits[0] = u;
  return f32[0]!;
}

function isNan16(f: Format, h: number): boolean {
  return ((h >> f.mantBits) & expMax(f)) === expMax(f) && (h & (2 ** f.mantBits - 1)) !== 0;
}

/** Deterministic xorshift32, so failures reproduce. */
function randomBits(n: number, seed = 0x9e3779b9): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s >>> 0;
  }
  return out;
}

/** float32 bit patterns at and one ulp around every midpoint between neighbouring 16-bit values. */
function boundaryBits(f: Format, table: number[]): Uint32Array {
  const out: number[] = [];
  const values = [...table, 2 ** (expMax(f) - bias(f))];
  for (let i = 0; i + 1 < values.length; i++) {
    f32[0] = (values[i]! + values[i + 1]!) / 2; // exact: needs one more mantissa bit than the 16-bit format
    const m = f32Bits[0]!;
    for (const u of [m - 1, m, m + 1]) out.push(u, (u | 0x80000000) >>> 0);
  }
  return Uint32Array.from(out);
}

const cases: [string, Format, (x: Float32Array) => Uint16Array, (h: Uint16Array) => Float32Array][] = [
  ['bf16', BF16, (x) => float32ToBf16(x), (h) => bf16ToFloat32(h)],
  ['f16', F16, (x) => float32ToF16(x), (h) => f16ToFloat32(h)],
];

describe.each(cases)('%s', (_, format, encode, decodeAll) => {
  const table = positives(format);
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);

  it('decodes every bit pattern to its IEEE value', () => {
    const got = decodeAll(all);
    for (let h = 0; h < 65536; h++) {
      const want = decode(format, h);
      if (Number.isNaN(want)) expect(Number.isNaN(got[h]!)).toBe(true);
      else if (!Object.is(got[h], want)) expect.fail(`pattern 0x${h.toString(16)}: ${got[h]} != ${want}`);
    }
  });

  it('encodes every representable value back to its own bits; NaN stays NaN', () => {
    const back = encode(decodeAll(all));
    for (let h = 0; h < 65536; h++) {
      if (isNan16(format, h)) expect(isNan16(format, back[h]!)).toBe(true);
      else if (back[h] !== h)
        expect.fail(`pattern 0x${h.toString(16)} came back as 0x${back[h]!.toString(16)}`);
    }
  });

  it('rounds to nearest even at every midpoint (and one ulp either side), subnormals and overflow included', () => {
    const bits = boundaryBits(format, table);
    const got = encode(new Float32Array(bits.buffer));
    for (let i = 0; i < bits.length; i++) {
      const want = referenceRound(format, table, floatOfBits(bits[i]!));
      if (got[i] !== want)
        expect.fail(
          `float32 0x${bits[i]!.toString(16)}: got 0x${got[i]!.toString(16)}, want 0x${want.toString(16)}`,
        );
    }
  });

  it('matches the reference on 200k random float32 bit patterns', () => {
    const bits = randomBits(200_000);
    const got = encode(new Float32Array(bits.buffer));
    for (let i = 0; i < bits.length; i++) {
      const want = referenceRound(format, table, floatOfBits(bits[i]!));
      if (want === 'nan') expect(isNan16(format, got[i]!)).toBe(true);
      else if (got[i] !== want)
        expect.fail(
          `float32 0x${bits[i]!.toString(16)}: got 0x${got[i]!.toString(16)}, want 0x${want.toString(16)}`,
        );
    }
  });

  it('matches torch on the golden float32 patterns (NaN: any NaN)', () => {
    const golden = JSON.parse(
      readFileSync(new URL('./fixtures/dtype-rounding.json', import.meta.url), 'utf8'),
    ) as Record<string, number[]>;
    const torchBits = golden[`${_}_bits`]!;
    const got = encode(new Float32Array(Uint32Array.from(golden.f32_bits!).buffer));
    expect(got.length).toBe(torchBits.length);
    for (let i = 0; i < got.length; i++) {
      if (isNan16(format, torchBits[i]!)) expect(isNan16(format, got[i]!)).toBe(true);
      else if (got[i] !== torchBits[i]) {
        expect.fail(
          `float32 0x${golden.f32_bits![i]!.toString(16)}: got 0x${got[i]!.toString(16)}, torch 0x${torchBits[i]!.toString(16)}`,
        );
      }
    }
  });

  it('keeps signed zeros and infinities, and NaN quiet with its sign', () => {
    const e = expMax(format);
    const quiet = 1 << (format.mantBits - 1);
    const x = new Float32Array([
      0,
      -0,
      Infinity,
      -Infinity,
      floatOfBits(0x7f800001),
      floatOfBits(0xff800001),
    ]);
    const got = Array.from(encode(x));
    expect(got.slice(0, 4)).toEqual([
      pack(format, 0, 0, 0),
      pack(format, 1, 0, 0),
      pack(format, 0, e, 0),
      pack(format, 1, e, 0),
    ]);
    for (const [h, sign] of [
      [got[4]!, 0],
      [got[5]!, 1],
    ] as const) {
      expect(isNan16(format, h)).toBe(true);
      expect(h & quiet).toBe(quiet);
      expect(h >> 15).toBe(sign);
    }
  });
});

it('writes into a given output array and checks its length', () => {
  const out = new Uint16Array(2);
  expect(float32ToBf16(new Float32Array([1, 2]), out)).toBe(out);
  expect(float32ToF16(new Float32Array([1, 2]), out)).toBe(out);
  expect(() => float32ToF16(new Float32Array(3), out)).toThrow(/output has 2 elements, input has 3/);
  expect(() => bf16ToFloat32(new Uint16Array(3), new Float32Array(1))).toThrow(RangeError);
});

describe('values built from the IEEE definition', () => {
  it('f16', () => {
    const x = new Float32Array([1, -2, 65504, 2 ** -24, 2 ** -14, 0.5 + 2 ** -12, 0.5 + 3 * 2 ** -12]);
    expect(Array.from(float32ToF16(x))).toEqual([
      pack(F16, 0, 15, 0),
      pack(F16, 1, 16, 0),
      pack(F16, 0, 30, 0x3ff),
      pack(F16, 0, 0, 1),
      pack(F16, 0, 1, 0),
      pack(F16, 0, 14, 0), // a tie between 0.5 (even mantissa) and 0.5 + 2^-11: goes to 0.5
      pack(F16, 0, 14, 2), // a tie between mantissas 1 and 2 -> 2
    ]);
  });

  it('bf16', () => {
    const x = new Float32Array([1, -2, 3.3895313892515355e38, 2 ** -133, 1 + 2 ** -8, 1 + 3 * 2 ** -8]);
    expect(Array.from(float32ToBf16(x))).toEqual([
      pack(BF16, 0, 127, 0),
      pack(BF16, 1, 128, 0),
      pack(BF16, 0, 254, 0x7f), // the largest finite bf16
      pack(BF16, 0, 0, 1), // the smallest subnormal bf16
      pack(BF16, 0, 127, 0), // tie -> even (mantissa 0)
      pack(BF16, 0, 127, 2), // tie between mantissas 1 and 2 -> 2
    ]);
  });
});
