import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSize, shardFileNames, writeSafetensors, type SafetensorsArray } from '@medgpt/core-tensor';
import { pythonJsonDumps } from '../bnb/python-json-dumps.js';

/** What `ShardWriter.finish` wrote. */
export interface ShardWriteResult {
  /** The safetensors files, in shard order. */
  files: string[];
  /** model.safetensors.index.json when there are several shards. */
  indexFile: string | undefined;
  /** Bytes of tensor data over all files (the index's total_size). */
  totalSize: number;
}

const byteLengthOf = (a: SafetensorsArray) => a.data.byteLength;

/**
 * Writes tensors handed over one at a time into `dir` as transformers' `save_pretrained` shards a
 * state dict (huggingface_hub's greedy split: a new shard when the next tensor would tip the current one
 * over `maxShardSize`; a tensor bigger than the limit gets a shard of its own, placed before the one
 * being filled). Only the shard being filled is held in memory: each full shard is written at once under
 * a temporary name, and `finish` renames them `model-0000i-of-0000n.safetensors` (or `model.safetensors`)
 * and writes the index. `dir` is expected to be a private temporary directory.
 */
export class ShardWriter {
  private readonly maxShardSize: number;
  private readonly written: { temp: string; names: string[]; bytes: number }[] = [];
  private current = new Map<string, SafetensorsArray>();
  private currentSize = 0;
  private parts = 0;

  constructor(
    private readonly dir: string,
    maxShardSize: number | string,
  ) {
    this.maxShardSize = parseSize(maxShardSize);
  }

  async add(name: string, array: SafetensorsArray): Promise<void> {
    const size = byteLengthOf(array);
    if (size > this.maxShardSize) {
      await this.writePart(new Map([[name, array]]), size);
      return;
    }
    if (this.currentSize + size > this.maxShardSize) await this.flush();
    this.current.set(name, array);
    this.currentSize += size;
  }

  async finish(): Promise<ShardWriteResult> {
    if (this.current.size > 0 || this.written.length === 0) await this.flush();
    const names = shardFileNames('model', this.written.length);
    const files: string[] = [];
    for (const [i, part] of this.written.entries()) {
      const path = join(this.dir, names[i]!);
      await rename(part.temp, path);
      files.push(path);
    }
    const totalSize = this.written.reduce((s, p) => s + p.bytes, 0);
    let indexFile: string | undefined;
    if (this.written.length > 1) {
      // transformers' save_pretrained: json.dumps(index, indent=2, sort_keys=True) + "\n".
      const weightMap: Record<string, string> = {};
      for (const [i, part] of this.written.entries()) for (const n of part.names) weightMap[n] = names[i]!;
      const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
      indexFile = join(this.dir, 'model.safetensors.index.json');
      await writeFile(indexFile, `${pythonJsonDumps(index, { indent: 2, sortKeys: true })}\n`, 'utf8');
    }
    return { files, indexFile, totalSize };
  }

  private async flush(): Promise<void> {
    const shard = this.current;
    const size = this.currentSize;
    this.current = new Map();
    this.currentSize = 0;
    await this.writePart(shard, size);
  }

  private async writePart(tensors: Map<string, SafetensorsArray>, bytes: number): Promise<void> {
    const temp = join(this.dir, `part-${this.parts++}.safetensors.tmp`);
    await writeSafetensors(temp, tensors, { metadata: { format: 'pt' } });
    this.written.push({ temp, names: [...tensors.keys()], bytes });
  }
}
