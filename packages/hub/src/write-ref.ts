import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Records that `revision` (a branch or tag) is at `commit`: `refs/<revision>` holding the 40-digit
 * hash with no newline, as huggingface_hub writes it. Unchanged refs are not rewritten (a read-only
 * cache stays usable); a new one is written to a temporary file and renamed into place.
 */
export async function writeRef(repoDir: string, revision: string, commit: string): Promise<void> {
  const path = join(repoDir, 'refs', revision);
  if ((await readFile(path, 'utf8').catch(() => null))?.trim() === commit) return;
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, commit);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
