import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTextAtomic } from './write-text-atomic.js';

describe('writeTextAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-text-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, 'old');
    await writeTextAtomic(file, '{"a": "é"}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a": "é"}\n');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('keeps the old file when the directory is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-text-'));
    await expect(writeTextAtomic(join(dir, 'missing', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
