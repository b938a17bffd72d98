import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Writes of more than ~2 GiB per call are refused by fs; big buffers go in pieces.
const WRITE_CHUNK = 1 << 30;

/**
 * Writes `path` through a temporary file in the same directory, renamed over `path` only after
 * `write` finished and the data reached the disk. Readers see the old file or the new one, never a
 * partial one; on failure the temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomic(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await write(handle);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  try {
    await handle.close();
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/** Appends all of `bytes` at the handle's current position (fs may write less per call). */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(WRITE_CHUNK, bytes.byteLength - done));
    done += bytesWritten;
  }
}
