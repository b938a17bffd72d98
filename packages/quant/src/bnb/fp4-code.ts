import { countBelow } from './count-below.js';

// FP4 as bitsandbytes encodes it: 1 sign bit, 2 exponent bits, 1 mantissa bit, exponent bias 2, no
// infinities or NaN. Magnitudes of the 3 low bits (before normalising by 12, the largest):
//   0b000 0 (subnormal), 0b001 0.0625 (subnormal), 0b110 2, 0b111 3, 0b100 4, 0b101 6, 0b010 8, 0b011 12.

const FP4_RAW = [0, 0.0625, 8, 12, 4, 6, 2, 3, 0, -0.0625, -8, -12, -4, -6, -2, -3];

/**
 * The FP4 code values in bit-pattern order (index = the 4-bit code), divided by 12 in float32, as
 * `functional.get_4bit_type("fp4")` makes them; the `weight.quant_map` of an FP4 weight. Index 8 is +0
 * (the Python source writes `-0`, an int).
 */
export const FP4_CODE: readonly number[] = Object.freeze(FP4_RAW.map((v) => Math.fround(v / 12)));

/**
 * The CUDA kernel's dequantisation table for the 3 magnitude bits (`fp4_dequantization_lut`, float32
 * literals); the sign bit multiplies by -1, so code 0b1000 dequantises to -0.
 */
export const FP4_MAGNITUDES: readonly number[] = Object.freeze(
  [0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25].map(Math.fround),
);

/**
 * The thresholds of the CUDA `dQuantizeFP4` tree on |x|, ascending (float32 literals). Unlike NF4's they
 * are not all the exact midpoints: 0.583333 is below 7/12 and 0.00260417 above 1/384, so a few values
 * get another code than a nearest-value rule would give. We follow the kernel, which made the
 * checkpoints people have.
 */
export const FP4_THRESHOLDS: readonly number[] = Object.freeze(
  [0.00260417, 0.0859375, 0.20833333, 0.29166667, 0.4166667, 0.583333, 0.8333333].map(Math.fround),
);

// Magnitude rank (number of thresholds below |x|) -> the 3 low bits of the code.
const RANK_TO_BITS = [0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011];

/**
 * The FP4 code of `x`, a value already divided by its block's absmax, as the CUDA tree picks it: sign
 * bit 0b1000 when `x < 0` (so -0 is +0), then the magnitude's rank among the thresholds (ties go to the
 * smaller magnitude, the tree compares with `>`). NaN gets code 0, as on the GPU.
 */
export function quantizeFp4(x: number): number {
  const sign = x < 0 ? 0b1000 : 0;
  return sign | RANK_TO_BITS[countBelow(FP4_THRESHOLDS, Math.abs(x))]!;
}

/** The value of FP4 code `q` (its low 4 bits) before scaling, as the CUDA kernel computes it. */
export function dequantizeFp4(q: number): number {
  const m = FP4_MAGNITUDES[q & 0b111]!;
  return q & 0b1000 ? -m : m;
}
