import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The data files under a path, and the files skipped for their extension. */
export interface DataFileList {
  /** Sorted, so every run (and every machine) reads them in the same order. */
  readonly files: string[];
  /** Files under a directory whose extension is not read (reported, never silently dropped). */
  readonly ignored: string[];
}

/** Extensions read by default: MedicalGPT's `**\/*.jsonl` and `**\/*.txt`, plus JSON arrays. */
export const DATA_FILE_EXTENSIONS = ['.jsonl', '.json', '.txt'] as const;

/**
 * MedicalGPT's `glob(f'{dir}/**\/*.jsonl', recursive=True)` over one or more paths: a directory is
 * searched recursively for the given extensions; a file is taken as it is, whatever its extension.
 * Hidden files and folders (`.name`) are skipped, as glob skips them.
 */
export async function listDataFiles(
  paths: string | readonly string[],
  extensions: readonly string[] = DATA_FILE_EXTENSIONS,
): Promise<DataFileList> {
  const files: string[] = [];
  const ignored: string[] = [];
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
    });
    if (info.isDirectory()) await walk(path, extensions, files, ignored);
    else files.push(path);
  }
  return { files: [...new Set(files)].sort(), ignored: ignored.sort() };
}

async function walk(
  dir: string,
  extensions: readonly string[],
  files: string[],
  ignored: string[],
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, extensions, files, ignored);
    else if (extensions.includes(extname(entry.name).toLowerCase())) files.push(path);
    else ignored.push(path);
  }
}
