import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-atomic-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const path = join(dir, 'index.json');
    await writeFile(path, 'old');
    await writeFileAtomic(path, '新');
    expect(await readFile(path, 'utf8')).toBe('新');
    expect(await readdir(dir)).toEqual(['index.json']);
  });

  it('writes bytes as they are', async () => {
    const path = join(dir, 'vectors.bin');
    await writeFileAtomic(path, Uint8Array.of(0, 0x0a, 0xff));
    expect([...(await readFile(path))]).toEqual([0, 0x0a, 0xff]);
  });

  it('cleans up its temporary file when the rename fails', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'x'), 'x');
    await expect(writeFileAtomic(join(dir, 'taken'), 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });
});
