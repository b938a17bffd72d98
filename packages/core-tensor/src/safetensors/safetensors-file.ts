import { open, type FileHandle } from 'node:fs/promises';
import type { tf } from '../tf.js';
import {
  parseSafetensorsHeader,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './parse-safetensors-header.js';
import { arrayFromBytes, type SafetensorsArray } from './safetensors-array.js';
import { safetensorsArrayToTensor } from './safetensors-array-to-tensor.js';
import { SafetensorsError } from './safetensors-error.js';

/** The Rust reader's limit; a longer header means a corrupt (or hostile) file. */
export const MAX_HEADER_BYTES = 100_000_000;
// fs reads are capped near 2 GiB per call; big tensors are read in pieces.
const READ_CHUNK = 1 << 30;

/**
 * A safetensors file opened for lazy reading: `open` reads only the 8-byte length and the JSON
 * header; each tensor's bytes are read from disk when asked for, so a shard of any size costs only
 * the memory of the tensors actually read. Close it (or use `await using`) when done.
 *
 * ```ts
 * await using f = await SafetensorsFile.open('model.safetensors');
 * const w = await f.readTensor('model.embed_tokens.weight'); // float32 tf.Tensor, even for BF16 data
 * ```
 */
export class SafetensorsFile {
  /** Path the file was opened from. */
  readonly path: string;
  /** The header's `__metadata__` strings (empty if it has none). */
  readonly metadata: Record<string, string>;
  /** Whether the header has a `__metadata__` entry at all. */
  readonly hasMetadata: boolean;
  /** Tensor names, in the order of their data in the file. */
  readonly names: readonly string[];
  /** Bytes before the data section: 8 + header length. */
  readonly dataStart: number;
  private readonly infos: Map<string, SafetensorsTensorInfo>;
  private handle: FileHandle | undefined;

  private constructor(path: string, handle: FileHandle, header: SafetensorsHeader, dataStart: number) {
    this.path = path;
    this.handle = handle;
    this.hasMetadata = header.metadata !== undefined;
    this.metadata = header.metadata ?? {};
    this.infos = new Map(header.tensors.map((t) => [t.name, t]));
    this.names = header.tensors.map((t) => t.name);
    this.dataStart = dataStart;
  }

  /** Opens `path` and validates its header (sizes, dtypes, offsets); reads no tensor data. */
  static async open(path: string): Promise<SafetensorsFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      throw new SafetensorsError(path, undefined, `cannot open: ${(e as Error).message}`, { cause: e });
    }
    try {
      const size = (await handle.stat()).size;
      if (size < 8)
        throw new SafetensorsError(
          path,
          undefined,
          `file has ${size} bytes; a safetensors file starts with an 8-byte header length`,
        );
      const lengthBytes = await readExactly(handle, path, undefined, 0, 8);
      const n = new DataView(lengthBytes.buffer).getBigUint64(0, true);
      if (n > BigInt(MAX_HEADER_BYTES)) {
        throw new SafetensorsError(
          path,
          undefined,
          `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit: not a safetensors file or corrupt`,
        );
      }
      const headerLength = Number(n);
      if (8 + headerLength > size) {
        throw new SafetensorsError(
          path,
          undefined,
          `header length ${headerLength} runs past the end of the ${size}-byte file: truncated or not safetensors`,
        );
      }
      const headerBytes = await readExactly(handle, path, undefined, 8, headerLength);
      const header = parseSafetensorsHeader(path, headerBytes, size - 8 - headerLength);
      return new SafetensorsFile(path, handle, header, 8 + headerLength);
    } catch (e) {
      await handle.close();
      if (e instanceof SafetensorsError) throw e;
      throw new SafetensorsError(path, undefined, `cannot read: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Whether the file holds a tensor called `name`. */
  has(name: string): boolean {
    return this.infos.has(name);
  }

  /** dtype, shape, offsets and byte length of tensor `name`. */
  info(name: string): SafetensorsTensorInfo {
    const info = this.infos.get(name);
    if (info === undefined) {
      throw new SafetensorsError(
        this.path,
        name,
        `no such tensor; the file holds ${this.names.length} tensors`,
      );
    }
    return info;
  }

  /** The tensor's raw little-endian bytes, freshly read from disk (8-byte aligned, yours to keep). */
  async readBytes(name: string): Promise<Uint8Array> {
    const { dataOffsets, byteLength } = this.info(name);
    if (this.handle === undefined) throw new SafetensorsError(this.path, name, 'file is closed');
    return readExactly(this.handle, this.path, name, this.dataStart + dataOffsets[0], byteLength);
  }

  /** The tensor as its dtype's typed array (F16/BF16 as uint16 bits, I64 as BigInt64Array...). */
  async readArray(name: string): Promise<SafetensorsArray> {
    const { dtype, shape } = this.info(name);
    return arrayFromBytes(dtype, shape.slice(), await this.readBytes(name));
  }

  /** The tensor as a tfjs tensor: float32 for every float dtype, int32 for integers, bool for BOOL. */
  async readTensor(name: string): Promise<tf.Tensor> {
    return safetensorsArrayToTensor(await this.readArray(name), { file: this.path, tensor: name });
  }

  /** Closes the file handle; further reads fail. Calling it again does nothing. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Reads `length` bytes at `position` into a new buffer; a short read means the file shrank. */
async function readExactly(
  handle: FileHandle,
  path: string,
  tensor: string | undefined,
  position: number,
  length: number,
): Promise<Uint8Array> {
  // A buffer of its own (not a pooled slice), so typed-array views over it are aligned.
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(READ_CHUNK, length - done);
    const { bytesRead } = await handle.read(out, done, want, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError(
        path,
        tensor,
        `file ends before byte ${position + done} (reading ${length} bytes at ${position}): truncated`,
      );
    }
    done += bytesRead;
  }
  return out;
}
