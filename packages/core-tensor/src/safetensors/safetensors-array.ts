import { arrayTypeOf, dtypeBits, type SafetensorsDtype } from './safetensors-dtype.js';

/** Typed arrays that hold safetensors elements (see `SafetensorsArrayTypes` for which goes with which dtype). */
export type SafetensorsTypedArray =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/**
 * A tensor as plain data. `data` is the typed array of the dtype (Float32Array for F32, Uint16Array
 * of raw bits for F16/BF16, BigInt64Array for I64, Uint8Array of 0/1 for BOOL...), or a Uint8Array
 * of its little-endian bytes, which is also how the 8/6/4-bit float formats are held.
 */
export interface SafetensorsArray {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsTypedArray;
}

/** Number of elements of `shape` (1 for a scalar). */
export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes `numel` elements of `dtype` occupy. */
export function byteLengthOf(dtype: SafetensorsDtype, shape: readonly number[]): number {
  return (numelOf(shape) * dtypeBits(dtype)) / 8;
}

/** Views little-endian bytes as the typed array of `dtype` (copying only if they are misaligned). */
export function arrayFromBytes(
  dtype: SafetensorsDtype,
  shape: number[],
  bytes: Uint8Array,
): SafetensorsArray {
  const Ctor = arrayTypeOf(dtype);
  if (Ctor === undefined || Ctor === Uint8Array) return { dtype, shape, data: bytes };
  const itemBytes = dtypeBits(dtype) / 8;
  const aligned = bytes.byteOffset % itemBytes === 0 ? bytes : bytes.slice();
  const data = new Ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / itemBytes);
  return { dtype, shape, data: data as SafetensorsTypedArray };
}

/** The little-endian bytes of a typed array, as a view (no copy). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Whether `data` is acceptable for `dtype`: its own typed array, or raw bytes in a Uint8Array. */
export function fitsDtype(dtype: SafetensorsDtype, data: unknown): boolean {
  const Ctor = arrayTypeOf(dtype) ?? Uint8Array;
  return data instanceof Ctor || data instanceof Uint8Array;
}

// Node runs little-endian everywhere we ship; typed arrays use host order, the format fixes LE.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@medgpt/core-tensor safetensors IO needs a little-endian host');
}
