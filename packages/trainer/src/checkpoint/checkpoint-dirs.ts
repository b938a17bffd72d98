import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** transformers' PREFIX_CHECKPOINT_DIR: checkpoints are `checkpoint-<global_step>`. */
export const CHECKPOINT_PREFIX = 'checkpoint';

const CHECKPOINT_NAME = /^checkpoint-(\d+)$/;
// Unfinished writes: hidden, so neither we nor transformers' get_last_checkpoint mistake them for one.
const TEMP_NAME = /^\.checkpoint-\d+\.tmp-/;
// A replaced checkpoint, moved aside for the instant between two renames.
const OLD_NAME = /^\.checkpoint-(\d+)\.old-/;

/** A checkpoint directory in an output dir. */
export interface CheckpointDir {
  step: number;
  dir: string;
}

/** The `checkpoint-<step>` directories of `outputDir`, oldest step first (none if it does not exist). */
export async function listCheckpoints(outputDir: string): Promise<CheckpointDir[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: CheckpointDir[] = [];
  for (const name of names) {
    const match = CHECKPOINT_NAME.exec(name);
    if (match === null) continue;
    const dir = join(outputDir, name);
    if ((await stat(dir)).isDirectory()) found.push({ step: Number(match[1]), dir });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** The newest checkpoint of `outputDir` (transformers' get_last_checkpoint), or undefined. */
export async function lastCheckpoint(outputDir: string): Promise<string | undefined> {
  return (await listCheckpoints(outputDir)).at(-1)?.dir;
}

/**
 * Writes checkpoint `step` atomically: `write` fills a hidden temporary directory, which is renamed to
 * `checkpoint-<step>` only once complete. A crash (even kill -9) leaves either the previous state or
 * the whole new checkpoint, never a partial one; an older checkpoint of the same step is replaced.
 */
export async function writeCheckpointDir(
  outputDir: string,
  step: number,
  write: (dir: string) => Promise<void>,
): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const final = join(outputDir, `${CHECKPOINT_PREFIX}-${step}`);
  const temp = join(
    outputDir,
    `.${CHECKPOINT_PREFIX}-${step}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(temp);
  try {
    await write(temp);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  // rename() cannot replace a non-empty directory: move the old one aside first, then drop it.
  const old = join(
    outputDir,
    `.${CHECKPOINT_PREFIX}-${step}.old-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const hadOld = await rename(final, old).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
  await rename(temp, final);
  if (hadOld) await rm(old, { recursive: true, force: true });
  return final;
}

/**
 * Cleans up after writes that never finished (a crash mid-save): unfinished temporary directories
 * are deleted, and a checkpoint that was being replaced when the crash came is put back.
 */
export async function removeUnfinishedCheckpoints(outputDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(outputDir, name);
    const old = OLD_NAME.exec(name);
    if (old !== null && !names.includes(`${CHECKPOINT_PREFIX}-${old[1]}`)) {
      await rename(path, join(outputDir, `${CHECKPOINT_PREFIX}-${old[1]}`));
    } else if (old !== null || TEMP_NAME.test(name)) {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

/**
 * transformers' _rotate_checkpoints: keeps the newest `limit` checkpoints (null or 0: all) and deletes
 * the older ones. Returns the deleted directories.
 */
export async function rotateCheckpoints(outputDir: string, limit: number | null): Promise<string[]> {
  if (limit === null || limit <= 0) return [];
  const all = await listCheckpoints(outputDir);
  const doomed = all.slice(0, Math.max(0, all.length - limit)).map((c) => c.dir);
  for (const dir of doomed) await rm(dir, { recursive: true, force: true });
  return doomed;
}
