// The ggml tensor types this package writes, with their codes and block layouts (ggml.h `ggml_type`,
// ggml-common.h `block_q4_0` / `block_q8_0`).

/** A ggml tensor type by its lower-case ggml name. */
export type GgmlTypeName = 'f32' | 'f16' | 'q4_0' | 'q8_0';

export interface GgmlTypeInfo {
  /** `enum ggml_type` code stored in a GGUF tensor info. */
  code: number;
  /** Elements per block (1 for plain floats). */
  blockSize: number;
  /** Bytes per block. */
  blockBytes: number;
}

export const GGML_TYPES: Readonly<Record<GgmlTypeName, GgmlTypeInfo>> = {
  f32: { code: 0, blockSize: 1, blockBytes: 4 },
  f16: { code: 1, blockSize: 1, blockBytes: 2 },
  // { ggml_half d; uint8_t qs[16]; }: 32 weights in 18 bytes.
  q4_0: { code: 2, blockSize: 32, blockBytes: 18 },
  // { ggml_half d; int8_t qs[32]; }: 32 weights in 34 bytes.
  q8_0: { code: 8, blockSize: 32, blockBytes: 34 },
};

/** Bytes of a tensor of `elements` values stored as `type` (a whole number of blocks). */
export function ggmlTensorBytes(type: GgmlTypeName, elements: number): number {
  const t = GGML_TYPES[type];
  if (elements % t.blockSize !== 0) {
    throw new RangeError(`${elements} elements are not a whole number of ${type} blocks of ${t.blockSize}`);
  }
  return (elements / t.blockSize) * t.blockBytes;
}
