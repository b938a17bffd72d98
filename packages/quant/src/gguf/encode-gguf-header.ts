import { ByteWriter } from './byte-writer.js';
import { GGML_TYPES, type GgmlTypeName } from './ggml-type.js';
import { GGUF_VALUE_TYPES, type GgufMetadata, type GgufScalarType, type GgufValue } from './gguf-value.js';

/** "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** Default `general.alignment` of the data section and of every tensor in it. */
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** GGML_MAX_NAME is 64 bytes including the terminating NUL. */
export const GGUF_MAX_TENSOR_NAME_BYTES = 63;

/** One tensor's entry in the header. */
export interface GgufTensorInfo {
  name: string;
  /** Row-major shape, outermost first (torch's order); written reversed, as ggml's ne[0] is innermost. */
  shape: readonly number[];
  type: GgmlTypeName;
  /** Byte offset from the start of the data section; a multiple of the alignment. */
  offset: number;
}

const INT_RANGES: Partial<Record<GgufScalarType, [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

function checkInt(key: string, type: GgufScalarType, v: number): void {
  const range = INT_RANGES[type];
  if (range !== undefined && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
    throw new RangeError(
      `GGUF metadata ${key}: ${v} is not a ${type} (an integer in [${range[0]}, ${range[1]}])`,
    );
  }
}

function writeScalar(
  w: ByteWriter,
  key: string,
  type: GgufScalarType,
  v: number | bigint | boolean | string,
): void {
  if (typeof v === 'number') checkInt(key, type, v);
  switch (type) {
    case 'u8':
      return w.u8(v as number);
    case 'i8':
      return w.i8(v as number);
    case 'u16':
      return w.u16(v as number);
    case 'i16':
      return w.i16(v as number);
    case 'u32':
      return w.u32(v as number);
    case 'i32':
      return w.i32(v as number);
    case 'f32':
      return w.f32(v as number);
    case 'f64':
      return w.f64(v as number);
    case 'u64':
      return w.u64(v as bigint);
    case 'i64':
      return w.i64(v as bigint);
    case 'bool':
      return w.u8(v ? 1 : 0);
    case 'string':
      return w.string(v as string);
  }
}

function writeValue(w: ByteWriter, key: string, value: GgufValue): void {
  w.u32(GGUF_VALUE_TYPES[value.type]);
  if (value.type !== 'array') {
    writeScalar(w, key, value.type, value.value);
    return;
  }
  w.u32(GGUF_VALUE_TYPES[value.itemType]);
  w.u64(value.value.length);
  for (let i = 0; i < value.value.length; i++) writeScalar(w, key, value.itemType, value.value[i]!);
}

/**
 * The GGUF v3 header (ggml/docs/gguf.md): magic, version, tensor and KV counts, the KVs, the tensor
 * infos (dims reversed, type code, offset into the data section), zero-padded to `alignment` so the
 * data section starts right after it. Little-endian throughout.
 */
export function encodeGgufHeader(
  metadata: GgufMetadata,
  tensors: readonly GgufTensorInfo[],
  alignment = GGUF_DEFAULT_ALIGNMENT,
): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.size);
  for (const [key, value] of metadata) {
    w.string(key);
    writeValue(w, key, value);
  }
  for (const t of tensors) {
    if (new TextEncoder().encode(t.name).length > GGUF_MAX_TENSOR_NAME_BYTES) {
      throw new RangeError(
        `GGUF tensor name ${JSON.stringify(t.name)} is longer than ${GGUF_MAX_TENSOR_NAME_BYTES} bytes (ggml's limit)`,
      );
    }
    if (t.offset % alignment !== 0) {
      throw new RangeError(`GGUF tensor ${t.name}: offset ${t.offset} is not a multiple of ${alignment}`);
    }
    w.string(t.name);
    w.u32(t.shape.length);
    for (let i = t.shape.length - 1; i >= 0; i--) w.u64(t.shape[i]!);
    w.u32(GGML_TYPES[t.type].code);
    w.u64(t.offset);
  }
  w.padTo(alignment);
  return w.finish();
}
