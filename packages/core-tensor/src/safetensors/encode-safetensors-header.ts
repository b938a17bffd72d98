import { MAX_HEADER_BYTES } from './safetensors-file.js';
import { dtypeRank, type SafetensorsDtype } from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** The header-relevant part of a tensor to write. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteLength: number;
}

/** The 8-byte length plus padded JSON header, and the order the tensors' data must follow. */
export interface EncodedHeader<T extends HeaderEntry> {
  bytes: Uint8Array;
  order: T[];
}

/**
 * Lays out a file the way the Rust `safetensors` crate does (`prepare` in safetensors/src/tensor.rs),
 * so that the bytes equal Python's `save_file`: tensors sorted by dtype (the enum order, descending)
 * then by name (UTF-8 bytes); compact JSON with `__metadata__` first, then each tensor as
 * {dtype, shape, data_offsets}; spaces pad the header to a multiple of 8 bytes.
 */
export function encodeSafetensorsHeader<T extends HeaderEntry>(
  file: string,
  tensors: readonly T[],
  metadata?: Record<string, string>,
): EncodedHeader<T> {
  const keyed = tensors.map((t) => ({ t, key: Buffer.from(t.name, 'utf8') }));
  keyed.sort((a, b) => dtypeRank(b.t.dtype) - dtypeRank(a.t.dtype) || Buffer.compare(a.key, b.key));
  const order = keyed.map((k) => k.t);

  const parts: string[] = [];
  if (metadata !== undefined) {
    const fields = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const t of order) {
    const end = offset + t.byteLength;
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      file,
      undefined,
      `header would take ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers accept`,
    );
  }
  const bytes = Buffer.alloc(8 + padded, 0x20);
  bytes.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(bytes, 8);
  return { bytes, order };
}
