// GGUF metadata values (ggml/docs/gguf.md, `enum gguf_metadata_value_type`). Every value carries its
// GGUF type: llama.cpp checks the stored type of the keys it reads (a u64 context length is refused
// where it wants a u32), so the type is chosen where the key is made, never guessed from a JS number.

/** `gguf_metadata_value_type` codes. */
export const GGUF_VALUE_TYPES = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** A scalar GGUF type. */
export type GgufScalarType = Exclude<keyof typeof GGUF_VALUE_TYPES, 'array'>;

/** One metadata value: a typed scalar, or an array of one scalar type. */
export type GgufValue =
  | { type: Exclude<GgufScalarType, 'string' | 'bool' | 'u64' | 'i64'>; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | {
      type: 'array';
      itemType: Exclude<GgufScalarType, 'string' | 'bool' | 'u64' | 'i64'>;
      value: ArrayLike<number>;
    };

/** GGUF metadata in writing order: key -> typed value. */
export type GgufMetadata = Map<string, GgufValue>;

export const ggufValue = {
  u32: (value: number): GgufValue => ({ type: 'u32', value }),
  i32: (value: number): GgufValue => ({ type: 'i32', value }),
  f32: (value: number): GgufValue => ({ type: 'f32', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  string: (value: string): GgufValue => ({ type: 'string', value }),
  strings: (value: readonly string[]): GgufValue => ({ type: 'array', itemType: 'string', value }),
  i32s: (value: ArrayLike<number>): GgufValue => ({ type: 'array', itemType: 'i32', value }),
  f32s: (value: ArrayLike<number>): GgufValue => ({ type: 'array', itemType: 'f32', value }),
};
