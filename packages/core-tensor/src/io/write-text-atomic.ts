import { writeFileAtomic } from '../safetensors/write-file-atomic.js';

/** Writes `text` (UTF-8) to `path` atomically: readers see the old file or the new one, never a partial one. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, async (handle) => {
    await handle.writeFile(text, 'utf8');
  });
}
