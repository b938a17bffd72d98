import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSize } from './parse-size.js';
import { planShards } from './plan-shards.js';
import { prepareTensors, type DtypeChoice, type PreparedTensor, type TensorMap } from './prepare-tensors.js';
import { pythonJsonDumps } from './python-json-dumps.js';
import { SafetensorsError } from './safetensors-error.js';
import { writeFileAtomic, writeAll } from './write-file-atomic.js';
import { writePreparedSafetensors } from './write-safetensors.js';

export interface WriteCheckpointOptions {
  /** File name prefix: `model` gives model.safetensors or model-00001-of-00002.safetensors. Default `model`. */
  prefix?: string;
  /** Largest shard in bytes, or a size like "5GB" (10^9) / "500MB"; default "5GB" as huggingface_hub. */
  maxShardSize?: number | string;
  /** User metadata: in the file when there is one, else in the index's "metadata" after total_size. */
  metadata?: Record<string, string>;
  /** Dtype to store the tensors as (e.g. 'BF16' for every float tensor). */
  dtype?: DtypeChoice;
}

/** What a checkpoint write produced. */
export interface CheckpointWriteResult {
  /** Paths of the safetensors files written, in shard order. */
  files: string[];
  /** Path of `<prefix>.safetensors.index.json` when the tensors were split over several files. */
  indexFile: string | undefined;
  /** Bytes of tensor data over all files (the index's total_size). */
  totalSize: number;
}

/**
 * Writes `tensors` into directory `dir` as huggingface_hub's `save_torch_state_dict` does: one
 * `<prefix>.safetensors` when everything fits in `maxShardSize`, else shards named
 * `<prefix>-00001-of-00003.safetensors` plus `<prefix>.safetensors.index.json` (same split, same
 * JSON bytes, same per-file `{"format": "pt"}` metadata). Every file is written atomically, the index
 * last; then leftover shards and index of an earlier save under the same prefix are removed.
 */
export async function writeSafetensorsCheckpoint(
  dir: string,
  tensors: TensorMap,
  options: WriteCheckpointOptions = {},
): Promise<CheckpointWriteResult> {
  const prefix = options.prefix ?? 'model';
  if (prefix === '' || /[/\\]/.test(prefix)) {
    throw new SafetensorsError(
      dir,
      undefined,
      `prefix ${JSON.stringify(prefix)} must be a plain file name part like "model"`,
    );
  }
  const maxShardSize = parseSize(options.maxShardSize ?? '5GB');
  const metadata = options.metadata ?? {};
  await mkdir(dir, { recursive: true });

  const prepared = prepareTensors(dir, tensors, options.dtype);
  const byName = new Map(prepared.map((t) => [t.name, t]));
  const shards = planShards(prepared, maxShardSize);
  const totalSize = prepared.reduce((sum, t) => sum + t.byteLength, 0);

  const names = shardFileNames(prefix, Math.max(shards.length, 1));
  const fileMetadata = shards.length > 1 ? { format: 'pt' } : { format: 'pt', ...metadata };
  const files: string[] = [];
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    const members: PreparedTensor[] = (shards[i] ?? []).map((n) => byName.get(n)!);
    await writePreparedSafetensors(path, members, fileMetadata);
    files.push(path);
  }

  let indexFile: string | undefined;
  if (shards.length > 1) {
    indexFile = join(dir, `${prefix}.safetensors.index.json`);
    const weightMap = new Map(
      shards.flatMap((shard, i) => shard.map((n) => [n, names[i]!] as [string, string])),
    );
    const index = new Map<string, Map<string, string | number> | Map<string, string>>([
      [
        'metadata',
        new Map<string, string | number>([['total_size', totalSize], ...Object.entries(metadata)]),
      ],
      ['weight_map', weightMap],
    ]);
    const text = Buffer.from(pythonJsonDumps(index), 'utf8');
    await writeFileAtomic(indexFile, (handle) => writeAll(handle, text));
  }
  await removeStaleFiles(
    dir,
    prefix,
    new Set([...names, ...(indexFile ? [`${prefix}.safetensors.index.json`] : [])]),
  );
  return { files, indexFile, totalSize };
}

/** `<prefix>.safetensors` for one shard, else `<prefix>-0000i-of-0000n.safetensors`. */
export function shardFileNames(prefix: string, count: number): string[] {
  if (count === 1) return [`${prefix}.safetensors`];
  const pad = (i: number) => String(i).padStart(5, '0');
  return Array.from({ length: count }, (_, i) => `${prefix}-${pad(i + 1)}-of-${pad(count)}.safetensors`);
}

// A previous save may have left more shards, or an index that would shadow a new single file.
async function removeStaleFiles(dir: string, prefix: string, keep: Set<string>): Promise<void> {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^${escaped}(-\\d{5}-of-\\d{5})?\\.safetensors(\\.index\\.json)?$`);
  for (const name of await readdir(dir)) {
    if (ours.test(name) && !keep.has(name)) await unlink(join(dir, name));
  }
}
