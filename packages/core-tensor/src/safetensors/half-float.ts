// float32 <-> bfloat16 / IEEE binary16 over typed arrays of bits. Rounding is to nearest, ties to even;
// overflow goes to +-Inf; NaN stays NaN (quiet, sign kept). Loops are allocation-free: bits are read
// through a Uint32Array view of the float32 data.

function bitsOf(src: Float32Array): Uint32Array {
  return new Uint32Array(src.buffer, src.byteOffset, src.length);
}

function outputFor<T extends Float32Array | Uint16Array>(
  out: T | undefined,
  make: (n: number) => T,
  n: number,
  fn: string,
): T {
  if (out === undefined) return make(n);
  if (out.length !== n) throw new RangeError(`${fn}: output has ${out.length} elements, input has ${n}`);
  return out;
}

/** float32 bits -> bfloat16 bits (round to nearest even). */
export function float32BitsToBf16(u: number): number {
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x0040) & 0xffff;
  // Adding 0x7fff plus the kept lsb rounds ties to even; a carry walks into the exponent (-> Inf).
  return ((u >>> 0) + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/** float32 bits -> IEEE binary16 bits (round to nearest even, subnormals exact). */
export function float32BitsToF16(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const abs = u & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00 | ((abs >>> 13) & 0x3ff);
  // 65520 (0x477ff000) is the midpoint between 65504 (max half, odd mantissa) and 2^16: ties go to Inf.
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs >= 0x38800000) {
    // Normal half: rebias the exponent (127 -> 15) and drop 13 mantissa bits with rounding.
    let h = (abs - 0x38000000) >>> 13;
    const rem = abs & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  // Subnormal half (or zero): count units of 2^-24. float32 subnormals are far below half of a unit.
  const exp = abs >>> 23;
  const shift = 126 - exp;
  if (exp === 0 || shift > 24) return sign;
  const mant = (abs & 0x7fffff) | 0x800000;
  let q = mant >>> shift;
  const rem = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (q & 1) === 1)) q++;
  return sign | q; // q may reach 0x400: the smallest normal, encoded correctly by the carry
}

/** Converts float32 values to bfloat16 bit patterns. `out`, when given, must have the same length. */
export function float32ToBf16(src: Float32Array, out?: Uint16Array): Uint16Array {
  const dst = outputFor(out, (n) => new Uint16Array(n), src.length, 'float32ToBf16');
  const bits = bitsOf(src);
  for (let i = 0; i < bits.length; i++) dst[i] = float32BitsToBf16(bits[i]!);
  return dst;
}

/** Converts bfloat16 bit patterns to float32 values (exact: bf16 is the top half of a float32). */
export function bf16ToFloat32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = outputFor(out, (n) => new Float32Array(n), src.length, 'bf16ToFloat32');
  // Little-endian: the bf16 bits are the high uint16 of each float32 (16-bit moves, no conversions).
  const halves = new Uint16Array(dst.buffer, dst.byteOffset, 2 * dst.length);
  for (let i = 0; i < src.length; i++) {
    halves[2 * i] = 0;
    halves[2 * i + 1] = src[i]!;
  }
  return dst;
}

/** Converts float32 values to IEEE binary16 bit patterns. `out`, when given, must have the same length. */
export function float32ToF16(src: Float32Array, out?: Uint16Array): Uint16Array {
  const dst = outputFor(out, (n) => new Uint16Array(n), src.length, 'float32ToF16');
  const bits = bitsOf(src);
  for (let i = 0; i < bits.length; i++) dst[i] = float32BitsToF16(bits[i]!);
  return dst;
}

let f16Table: Int32Array | undefined;

/** float32 bits of every binary16 pattern, built once (256 KiB). */
function f16ToF32Table(): Int32Array {
  if (f16Table) return f16Table;
  const table = new Int32Array(65536);
  const scratch = new Float32Array(1);
  const scratchBits = new Uint32Array(scratch.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      table[h] = sign | 0x7f800000 | (mant << 13); // Inf, or NaN with its payload kept
    } else if (exp === 0) {
      scratch[0] = mant * 2 ** -24; // subnormal: exact in float32
      table[h] = sign | scratchBits[0]!;
    } else {
      table[h] = sign | ((exp + 112) << 23) | (mant << 13);
    }
  }
  f16Table = table;
  return table;
}

/** Converts IEEE binary16 bit patterns to float32 values (exact). */
export function f16ToFloat32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = outputFor(out, (n) => new Float32Array(n), src.length, 'f16ToFloat32');
  const bits = new Int32Array(dst.buffer, dst.byteOffset, dst.length);
  const table = f16ToF32Table();
  for (let i = 0; i < src.length; i++) bits[i] = table[src[i]!]!;
  return dst;
}
