/**
 * The element types of the safetensors format, in the order of the Rust crate's `Dtype` enum
 * (safetensors/src/tensor.rs). That order is not cosmetic: the writer sorts tensors by it (descending),
 * so it decides the byte layout of every file Python writes.
 */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

/** A safetensors element type name as it appears in a header (`"BF16"`, `"I64"`...). */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BITS: Record<SafetensorsDtype, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

const RANK = new Map<string, number>(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

/** Whether `name` is a dtype the safetensors format defines. */
export function isSafetensorsDtype(name: unknown): name is SafetensorsDtype {
  return typeof name === 'string' && RANK.has(name);
}

/** Bits per element (4 and 6 for the packed micro-scaling floats, else a multiple of 8). */
export function dtypeBits(dtype: SafetensorsDtype): number {
  return BITS[dtype];
}

/** Position in the Rust enum; the writer orders tensors by this, largest first. */
export function dtypeRank(dtype: SafetensorsDtype): number {
  return RANK.get(dtype)!;
}

/** The dtypes medgpt decodes to numbers: floats, integers and booleans of whole bytes. */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F64', 'F32', 'F16', 'BF16'];
export const INT_DTYPES: readonly SafetensorsDtype[] = ['I64', 'U64', 'I32', 'U32', 'I16', 'U16', 'I8', 'U8'];

/** Typed array holding the elements of each numeric dtype (F16/BF16: their raw uint16 bits). */
export interface SafetensorsArrayTypes {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  U64: BigUint64Array;
  I32: Int32Array;
  U32: Uint32Array;
  I16: Int16Array;
  U16: Uint16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
  C64: Float32Array;
}

type ArrayCtor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView };

const ARRAY_CTORS: Partial<Record<SafetensorsDtype, ArrayCtor>> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
  C64: Float32Array,
};

/** The typed-array class for `dtype`, or undefined for the 8/6/4-bit float formats (raw bytes only). */
export function arrayTypeOf(dtype: SafetensorsDtype): ArrayCtor | undefined {
  return ARRAY_CTORS[dtype];
}
