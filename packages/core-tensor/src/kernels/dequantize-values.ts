import { float32BitsToBf16, float32BitsToF16 } from '../safetensors/half-float.js';
import type { DequantizeDtype } from '../kernel-names.js';

const F16_EXP = 0x1f;

/** IEEE binary16 bits -> a float32 value (exact). */
function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & F16_EXP;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === F16_EXP) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Rounds `out` in place to `dtype` (nearest, ties to even, as torch casts) and keeps it as float32: the
 * values a tensor of that dtype holds. float32 leaves it as it is.
 */
export function roundInPlace(out: Float32Array, dtype: DequantizeDtype): void {
  if (dtype === 'float32') return;
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  if (dtype === 'bfloat16') {
    for (let i = 0; i < bits.length; i++) bits[i] = float32BitsToBf16(bits[i]!) << 16;
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = f16BitsToNumber(float32BitsToF16(bits[i]!));
}

/** The bytes of packed int32 words, little-endian (byte 4w + j is bits 8j..8j+7 of word w). */
export function wordBytes(words: Float32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}
