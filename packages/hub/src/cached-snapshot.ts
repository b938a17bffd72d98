import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { getRepoFolderName } from '@huggingface/hub';
import {
  indexShards,
  missingRepoFiles,
  WEIGHTS_FILE,
  WEIGHTS_INDEX_FILE,
  type HubRepoKind,
} from './repo-files.js';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** `<cache>/models--org--name`, the folder huggingface_hub keeps a model repo in. */
export function repoCacheDir(cacheDir: string, repoId: string): string {
  return join(cacheDir, getRepoFolderName({ type: 'model', name: repoId }));
}

/** A revision's snapshot in the cache, and what it still lacks for a `kind` load. */
export interface CachedSnapshot {
  readonly commit: string;
  /** `<repo>/snapshots/<commit>`. */
  readonly dir: string;
  /** Required files the snapshot lacks (empty: complete); see missingRepoFiles. */
  readonly missing: string[];
}

/**
 * The snapshot `revision` points to in the cache: a commit hash names its snapshot directly, a branch
 * or tag through refs/<revision> (the file huggingface_hub writes). Null when neither is there.
 */
export async function cachedSnapshot(
  repoDir: string,
  revision: string,
  kind: HubRepoKind,
): Promise<CachedSnapshot | null> {
  const commit = COMMIT_HASH.test(revision) ? revision : await readRef(repoDir, revision);
  if (commit === null) return null;
  const dir = join(repoDir, 'snapshots', commit);
  if (!(await isDirectory(dir))) return null;
  return { commit, dir, missing: await missingSnapshotFiles(dir, kind) };
}

/** Required files `dir` lacks for a `kind` load; symlinks count only when their blob is there. */
export async function missingSnapshotFiles(dir: string, kind: HubRepoKind): Promise<string[]> {
  const present = new Set<string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (await isFile(join(dir, name))) present.add(name);
  }
  const missing = missingRepoFiles(kind, present);
  if (kind === 'model' && !present.has(WEIGHTS_FILE) && present.has(WEIGHTS_INDEX_FILE)) {
    const index = join(dir, WEIGHTS_INDEX_FILE);
    for (const shard of indexShards(await readFile(index, 'utf8'), index)) {
      if (!present.has(shard)) missing.push(shard);
    }
  }
  return missing;
}

async function readRef(repoDir: string, revision: string): Promise<string | null> {
  const text = await readFile(join(repoDir, 'refs', revision), 'utf8').catch(() => null);
  const commit = text?.trim() ?? null;
  return commit !== null && COMMIT_HASH.test(commit) ? commit : null;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}
