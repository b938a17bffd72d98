import type { FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '@medgpt/core-tensor';
import { encodeGgufHeader, GGUF_DEFAULT_ALIGNMENT, type GgufTensorInfo } from './encode-gguf-header.js';
import { ggmlTensorBytes, type GgmlTypeName } from './ggml-type.js';
import { ggufValue, type GgufMetadata } from './gguf-value.js';

/** A tensor to write: its header entry and a function giving its encoded bytes. */
export interface GgufTensorSource {
  name: string;
  /** Row-major shape, outermost first (torch's order). */
  shape: readonly number[];
  type: GgmlTypeName;
  /**
   * The tensor's bytes in `type`'s layout. Called once per tensor, in file order, after the header is
   * written: only one tensor's data needs to be in memory at a time.
   */
  data: () => Promise<Uint8Array> | Uint8Array;
}

export interface WriteGgufResult {
  /** File size in bytes. */
  bytes: number;
  /** Where the data section starts. */
  dataOffset: number;
  /** The tensor infos as written (offsets relative to the data section). */
  tensors: GgufTensorInfo[];
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(1 << 30, bytes.byteLength - done));
    done += bytesWritten;
  }
}

function alignmentOf(metadata: GgufMetadata, path: string): number {
  const v = metadata.get('general.alignment');
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (v.type !== 'u32' || !(v.value > 0 && (v.value & (v.value - 1)) === 0)) {
    throw new RangeError(
      `${path}: general.alignment must be a u32 power of two (llama.cpp refuses others); got ${JSON.stringify(v)}`,
    );
  }
  return v.value;
}

/**
 * Writes a GGUF v3 file: the header (metadata, tensor infos), then each tensor's bytes at an offset
 * that is a multiple of `general.alignment` (32 unless the metadata sets it), each zero-padded to it
 * (as gguf-py writes). The file appears at `path` only when complete (temporary file, then rename).
 */
export async function writeGguf(
  path: string,
  metadata: GgufMetadata,
  tensors: readonly GgufTensorSource[],
  options: { alignment?: number } = {},
): Promise<WriteGgufResult> {
  const meta = new Map(metadata);
  if (options.alignment !== undefined && options.alignment !== GGUF_DEFAULT_ALIGNMENT)
    meta.set('general.alignment', ggufValue.u32(options.alignment));
  const alignment = alignmentOf(meta, path);
  const names = new Set<string>();
  const infos: GgufTensorInfo[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    if (names.has(t.name)) throw new RangeError(`${path}: tensor ${t.name} is listed twice`);
    names.add(t.name);
    const elements = t.shape.reduce((a, b) => a * b, 1);
    const size = ggmlTensorBytes(t.type, elements);
    infos.push({ name: t.name, shape: t.shape, type: t.type, offset });
    sizes.push(size);
    offset += Math.ceil(size / alignment) * alignment;
  }
  const header = encodeGgufHeader(meta, infos, alignment);
  await writeFileAtomic(path, async (handle) => {
    await writeAll(handle, header);
    const zeros = new Uint8Array(alignment);
    for (let i = 0; i < tensors.length; i++) {
      const bytes = await tensors[i]!.data();
      if (bytes.byteLength !== sizes[i]) {
        throw new RangeError(
          `${path}: tensor ${infos[i]!.name} (${infos[i]!.type} [${infos[i]!.shape}]) has ${bytes.byteLength} bytes of data; expected ${sizes[i]}`,
        );
      }
      await writeAll(handle, bytes);
      const pad = (alignment - (bytes.byteLength % alignment)) % alignment;
      if (pad > 0) await writeAll(handle, zeros.subarray(0, pad));
    }
  });
  return { bytes: header.byteLength + offset, dataOffset: header.byteLength, tensors: infos };
}
