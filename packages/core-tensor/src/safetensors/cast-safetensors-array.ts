import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from './half-float.js';
import { arrayFromBytes, bytesOf, numelOf, type SafetensorsArray } from './safetensors-array.js';
import { FLOAT_DTYPES, INT_DTYPES, type SafetensorsDtype } from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** Which file and tensor a conversion is for, so its errors can say so. */
export interface TensorPlace {
  file: string;
  tensor: string;
}

// Inclusive ranges of the integer types up to 32 bits (64-bit ones are handled as int32 pairs).
const INT_RANGE: Partial<Record<SafetensorsDtype, [number, number]>> = {
  I8: [-128, 127],
  U8: [0, 255],
  I16: [-32768, 32767],
  U16: [0, 65535],
  I32: [-2147483648, 2147483647],
  U32: [0, 4294967295],
};

/**
 * Converts `array` to `target`: floats among F64/F32/F16/BF16 (through float32, rounding to nearest
 * even, as torch does), integers among I8..U64 (exact, or an error naming the first value out of
 * range). Same dtype returns `array` itself. Anything else (int <-> float, BOOL, fp8) is an error.
 */
export function castSafetensorsArray(
  array: SafetensorsArray,
  target: SafetensorsDtype,
  place: TensorPlace,
): SafetensorsArray {
  checkCastable(array.dtype, target, place);
  const src = arrayFromBytes(array.dtype, array.shape, bytesOf(array.data));
  if (src.dtype === target) return src;
  if (FLOAT_DTYPES.includes(target)) {
    return { dtype: target, shape: src.shape, data: encodeFloats(decodeFloats(src), target) };
  }
  return { dtype: target, shape: src.shape, data: castInts(src, target, place) };
}

/** Throws unless `castSafetensorsArray` can convert `from` to `to`. */
export function checkCastable(from: SafetensorsDtype, to: SafetensorsDtype, place: TensorPlace): void {
  if (from === to) return;
  if (FLOAT_DTYPES.includes(from) && FLOAT_DTYPES.includes(to)) return;
  if (INT_DTYPES.includes(from) && INT_DTYPES.includes(to)) return;
  throw new SafetensorsError(
    place.file,
    place.tensor,
    `cannot convert ${from} to ${to}; floats convert among F64/F32/F16/BF16, integers among I8..U64`,
  );
}

function decodeFloats(src: SafetensorsArray): Float32Array | Float64Array {
  switch (src.dtype) {
    case 'BF16':
      return bf16ToFloat32(src.data as Uint16Array);
    case 'F16':
      return f16ToFloat32(src.data as Uint16Array);
    default:
      return src.data as Float32Array | Float64Array;
  }
}

function encodeFloats(
  values: Float32Array | Float64Array,
  target: SafetensorsDtype,
): SafetensorsArray['data'] {
  if (target === 'F64') return new Float64Array(values);
  const f32 = values instanceof Float32Array ? values : new Float32Array(values);
  if (target === 'F32') return f32;
  return target === 'BF16' ? float32ToBf16(f32) : float32ToF16(f32);
}

const is64 = (d: SafetensorsDtype): boolean => d === 'I64' || d === 'U64';

function castInts(
  src: SafetensorsArray,
  target: SafetensorsDtype,
  place: TensorPlace,
): SafetensorsArray['data'] {
  const n = numelOf(src.shape);
  const outOfRange = (i: number, value: string): never => {
    throw new SafetensorsError(
      place.file,
      place.tensor,
      `value ${value} at element ${i} does not fit ${target}` +
        (target === 'I32' ? ' (tfjs int32); read it with readArray() to get the 64-bit integers' : ''),
    );
  };
  if (is64(src.dtype) && is64(target)) {
    // Same bits; only the sign bit's meaning changes, so it must be clear.
    const words = new Int32Array(src.data.buffer, src.data.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) if (words[2 * i + 1]! < 0) outOfRange(i, String(src.data[i]));
    const bytes = bytesOf(src.data).slice();
    return target === 'I64' ? new BigInt64Array(bytes.buffer) : new BigUint64Array(bytes.buffer);
  }
  if (is64(target)) return widenTo64(src, target, n, outOfRange);
  const [min, max] = INT_RANGE[target]!;
  const Ctor = {
    I8: Int8Array,
    U8: Uint8Array,
    I16: Int16Array,
    U16: Uint16Array,
    I32: Int32Array,
    U32: Uint32Array,
  }[target as 'I8'];
  const out = new Ctor(n);
  const read = is64(src.dtype) ? read64(src, n) : (i: number) => (src.data as Int32Array)[i]!;
  for (let i = 0; i < n; i++) {
    const v = read(i);
    if (!(v >= min && v <= max)) outOfRange(i, Number.isNaN(v) ? String(src.data[i]) : String(v));
    out[i] = v;
  }
  return out;
}

/** Reads 64-bit integers as numbers when they lie in [-2^32, 2^32), else NaN (out of every 32-bit range). */
function read64(src: SafetensorsArray, n: number): (i: number) => number {
  const words = new Int32Array(src.data.buffer, src.data.byteOffset, 2 * n);
  const signed = src.dtype === 'I64';
  return (i) => {
    const lo = words[2 * i]! >>> 0;
    const hi = words[2 * i + 1]!;
    if (hi === 0) return lo;
    if (hi === -1 && signed) return lo - 4294967296;
    return NaN;
  };
}

function widenTo64(
  src: SafetensorsArray,
  target: SafetensorsDtype,
  n: number,
  outOfRange: (i: number, value: string) => never,
): SafetensorsArray['data'] {
  const words = new Int32Array(2 * n);
  const values = src.data as Int32Array;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < 0 && target === 'U64') outOfRange(i, String(v));
    words[2 * i] = v | 0;
    words[2 * i + 1] = v < 0 ? -1 : 0;
  }
  return target === 'I64' ? new BigInt64Array(words.buffer) : new BigUint64Array(words.buffer);
}
