import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SafetensorsFile, writeTextAtomic } from '@medgpt/core-tensor';

/**
 * The last file of every checkpoint we write: each file's path and byte size. A file that is missing
 * or has another size (a copy cut short, a full disk, a tool that truncated it) marks the checkpoint as
 * damaged, so resume can say which file and fall back to an older checkpoint.
 */
export const CHECKPOINT_MANIFEST_FILE = 'checkpoint_manifest.json';

// Present in every checkpoint, ours or transformers'.
const REQUIRED_FILE = 'trainer_state.json';

interface CheckpointManifest {
  format: 1;
  /** Relative path (with /) -> size in bytes. */
  files: Record<string, number>;
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, root)));
    else if (entry.isFile()) out.push(relative(root, path).split('\\').join('/'));
  }
  return out.sort();
}

/** Records every file of checkpoint directory `dir` (complete but for this file) with its size. */
export async function writeCheckpointManifest(dir: string): Promise<void> {
  const files: Record<string, number> = {};
  for (const name of await listFiles(dir)) {
    if (name !== CHECKPOINT_MANIFEST_FILE) files[name] = (await stat(join(dir, name))).size;
  }
  const manifest: CheckpointManifest = { format: 1, files };
  await writeTextAtomic(join(dir, CHECKPOINT_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * What is wrong with checkpoint directory `dir`, naming the file, or undefined when it looks complete:
 * every file its manifest lists is there with its size (checkpoints without a manifest, e.g. from
 * transformers, need trainer_state.json), every JSON file parses, and every safetensors file's header
 * covers exactly the bytes the file has. Reads headers, not tensor data, so it is cheap on big weights.
 */
export async function checkCheckpoint(dir: string): Promise<string | undefined> {
  let present: string[];
  try {
    present = await listFiles(dir);
  } catch (err) {
    return `cannot read the directory (${(err as Error).message})`;
  }
  const manifest = present.includes(CHECKPOINT_MANIFEST_FILE)
    ? await readManifest(join(dir, CHECKPOINT_MANIFEST_FILE))
    : undefined;
  if (typeof manifest === 'string') return manifest;
  const expected = manifest?.files ?? { [REQUIRED_FILE]: -1 };
  for (const [name, size] of Object.entries(expected)) {
    if (!present.includes(name)) return `${name} is missing`;
    const actual = (await stat(join(dir, name))).size;
    if (size >= 0 && actual !== size) {
      return `${name} has ${actual} bytes; ${CHECKPOINT_MANIFEST_FILE} recorded ${size} (truncated or overwritten)`;
    }
  }
  for (const name of present) {
    const problem = name.endsWith('.json')
      ? await jsonProblem(join(dir, name))
      : name.endsWith('.safetensors')
        ? await safetensorsProblem(join(dir, name))
        : undefined;
    if (problem !== undefined) return `${name} ${problem}`;
  }
  return undefined;
}

async function readManifest(path: string): Promise<CheckpointManifest | string> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    return `${CHECKPOINT_MANIFEST_FILE} is not valid JSON (${(err as Error).message})`;
  }
  const files = (json as { files?: unknown } | null)?.files;
  const valid =
    typeof files === 'object' &&
    files !== null &&
    Object.values(files).every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
  if (!valid) return `${CHECKPOINT_MANIFEST_FILE} has no {"files": {"name": size}} object`;
  return json as CheckpointManifest;
}

async function jsonProblem(path: string): Promise<string | undefined> {
  try {
    JSON.parse(await readFile(path, 'utf8'));
    return undefined;
  } catch (err) {
    return `is not valid JSON (${(err as Error).message})`;
  }
}

async function safetensorsProblem(path: string): Promise<string | undefined> {
  try {
    const file = await SafetensorsFile.open(path);
    await file.close();
    return undefined;
  } catch (err) {
    return `is damaged (${(err as Error).message})`;
  }
}
