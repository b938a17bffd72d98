import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { tf } from '../tf.js';
import type { SafetensorsTensorInfo } from './parse-safetensors-header.js';
import type { SafetensorsArray } from './safetensors-array.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';

/** The content of a `<prefix>.safetensors.index.json`. */
export interface SafetensorsIndex {
  /** Free-form; huggingface_hub and transformers put `total_size` (bytes of tensor data) here. */
  metadata: Record<string, unknown>;
  /** Tensor name -> shard file name, relative to the index's directory. */
  weight_map: Record<string, string>;
}

export interface OpenCheckpointOptions {
  /** File name prefix looked for in a directory: `model` (default) or e.g. `adapter_model`. */
  prefix?: string;
}

/**
 * The weights of a checkpoint, one safetensors file or shards listed by an index, read lazily:
 * opening reads the index (or one header); a shard is opened (header only) the first time one of
 * its tensors is asked for, and each tensor is read from disk on demand.
 *
 * ```ts
 * await using ckpt = await SafetensorsCheckpoint.open('/models/Qwen2.5-0.5B');
 * for (const name of ckpt.names) {
 *   const w = await ckpt.readTensor(name); // float32/int32/bool tf.Tensor
 *   ...
 * }
 * ```
 */
export class SafetensorsCheckpoint {
  /** The directory, file or index path this checkpoint was opened from. */
  readonly path: string;
  /** The index, if the checkpoint is sharded (undefined for a single file). */
  readonly index: SafetensorsIndex | undefined;
  /** Tensor names: in index order for shards, in data order for a single file. */
  readonly names: readonly string[];
  /** Paths of the safetensors files, each once, in the order they first appear. */
  readonly files: readonly string[];
  private readonly fileOf: Map<string, string>;
  private readonly opened = new Map<string, Promise<SafetensorsFile>>();
  private closed = false;

  private constructor(path: string, index: SafetensorsIndex | undefined, fileOf: Map<string, string>) {
    this.path = path;
    this.index = index;
    this.fileOf = fileOf;
    this.names = [...fileOf.keys()];
    this.files = [...new Set(fileOf.values())];
  }

  /**
   * Opens a checkpoint from a directory (`<prefix>.safetensors` if present, else
   * `<prefix>.safetensors.index.json`, as transformers looks them up), a `.safetensors` file or an
   * `.index.json` file.
   */
  static async open(path: string, options: OpenCheckpointOptions = {}): Promise<SafetensorsCheckpoint> {
    const prefix = options.prefix ?? 'model';
    const kind = await stat(path).catch((e: Error) => {
      throw new SafetensorsError(path, undefined, `cannot open checkpoint: ${e.message}`, { cause: e });
    });
    if (kind.isDirectory()) {
      const single = join(path, `${prefix}.safetensors`);
      if (await isFile(single)) return SafetensorsCheckpoint.openSingle(path, single);
      const indexPath = join(path, `${prefix}.safetensors.index.json`);
      if (await isFile(indexPath)) return SafetensorsCheckpoint.openIndex(path, indexPath);
      throw new SafetensorsError(
        path,
        undefined,
        `found neither ${prefix}.safetensors nor ${prefix}.safetensors.index.json`,
      );
    }
    if (path.endsWith('.json')) return SafetensorsCheckpoint.openIndex(path, path);
    return SafetensorsCheckpoint.openSingle(path, path);
  }

  private static async openSingle(path: string, file: string): Promise<SafetensorsCheckpoint> {
    const f = await SafetensorsFile.open(file);
    const ckpt = new SafetensorsCheckpoint(path, undefined, new Map(f.names.map((n) => [n, file])));
    ckpt.opened.set(file, Promise.resolve(f));
    return ckpt;
  }

  private static async openIndex(path: string, indexPath: string): Promise<SafetensorsCheckpoint> {
    const index = parseIndex(indexPath, await readFile(indexPath, 'utf8'));
    const dir = dirname(indexPath);
    const fileOf = new Map(Object.entries(index.weight_map).map(([name, shard]) => [name, join(dir, shard)]));
    return new SafetensorsCheckpoint(path, index, fileOf);
  }

  /** Whether the checkpoint has a tensor called `name`. */
  has(name: string): boolean {
    return this.fileOf.has(name);
  }

  /** Path of the file holding tensor `name`. */
  fileFor(name: string): string {
    const file = this.fileOf.get(name);
    if (file === undefined) {
      throw new SafetensorsError(
        this.path,
        name,
        `no such tensor; the checkpoint holds ${this.names.length} tensors`,
      );
    }
    return file;
  }

  /** The opened file holding tensor `name` (opening it on first use); gives its metadata too. */
  async file(name: string): Promise<SafetensorsFile> {
    const path = this.fileFor(name);
    if (this.closed) throw new SafetensorsError(this.path, name, 'checkpoint is closed');
    let f = this.opened.get(path);
    if (f === undefined) {
      f = this.openShard(path);
      this.opened.set(path, f);
    }
    return f;
  }

  /** dtype, shape and byte length of tensor `name`. */
  async info(name: string): Promise<SafetensorsTensorInfo> {
    return (await this.file(name)).info(name);
  }

  /** Raw little-endian bytes of tensor `name`. */
  async readBytes(name: string): Promise<Uint8Array> {
    return (await this.file(name)).readBytes(name);
  }

  /** Tensor `name` as its dtype's typed array (see `SafetensorsFile.readArray`). */
  async readArray(name: string): Promise<SafetensorsArray> {
    return (await this.file(name)).readArray(name);
  }

  /** Tensor `name` as a tfjs tensor (float32 / int32 / bool). */
  async readTensor(name: string): Promise<tf.Tensor> {
    return (await this.file(name)).readTensor(name);
  }

  /** Closes every opened file; further reads fail. */
  async close(): Promise<void> {
    this.closed = true;
    const files = [...this.opened.values()];
    this.opened.clear();
    const results = await Promise.allSettled(files);
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // Opens a shard and checks it holds every tensor the index assigns to it.
  private async openShard(path: string): Promise<SafetensorsFile> {
    const f = await SafetensorsFile.open(path);
    const missing = this.names.filter((n) => this.fileOf.get(n) === path && !f.has(n));
    if (missing.length > 0) {
      await f.close();
      throw new SafetensorsError(
        path,
        missing[0],
        `the index ${this.path} places ${missing.length} tensor(s) here that the file lacks`,
      );
    }
    return f;
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function parseIndex(indexPath: string, text: string): SafetensorsIndex {
  const fail = (problem: string): never => {
    throw new SafetensorsError(indexPath, undefined, problem);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(
      `not valid JSON (${(e as Error).message}); expected {"metadata": {...}, "weight_map": {...}}`,
    );
  }
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(json) || !isObject(json.weight_map))
    return fail('expected an object with a "weight_map" object of tensor name -> file');
  const metadata = json.metadata ?? {};
  if (!isObject(metadata)) return fail('"metadata" is not an object');
  for (const [name, shard] of Object.entries(json.weight_map)) {
    if (typeof shard !== 'string') return fail(`weight_map[${JSON.stringify(name)}] is not a file name`);
    // Like huggingface_hub: shard names stay inside the checkpoint and are safetensors files.
    if (
      /^([a-zA-Z]:|[/\\])/.test(shard) ||
      shard.split(/[/\\]/).includes('..') ||
      !shard.endsWith('.safetensors')
    ) {
      return fail(
        `weight_map[${JSON.stringify(name)}] = ${JSON.stringify(shard)}; expected a relative *.safetensors path without ".."`,
      );
    }
  }
  return { metadata, weight_map: json.weight_map as Record<string, string> };
}
