import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { dirname, relative } from 'node:path';

/**
 * Makes `snapshots/<commit>/<file>` point at `blobs/<etag>` with a relative symlink
 * (`../../blobs/<etag>`), exactly as huggingface_hub's _create_symlink does, so the cache survives
 * being moved. The link is made under a temporary name and renamed over the pointer, so a reader sees
 * the old pointer or the new one, never none. Where symlinks are refused (Windows without developer
 * mode) the blob is copied instead, as huggingface_hub does.
 */
export async function linkSnapshotFile(blobPath: string, pointerPath: string): Promise<void> {
  await mkdir(dirname(pointerPath), { recursive: true });
  const temp = `${pointerPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    try {
      await symlink(relative(dirname(pointerPath), blobPath), temp);
    } catch (err) {
      if (!['EPERM', 'ENOSYS', 'EOPNOTSUPP'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await copyFile(blobPath, temp);
    }
    await rename(temp, pointerPath);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
