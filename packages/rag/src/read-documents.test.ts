import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDocuments } from './read-documents.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-read-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readDocuments', () => {
  it('walks directories recursively in name order, keeping .txt/.md/.jsonl and skipping hidden entries', async () => {
    await mkdir(join(dir, 'sub'));
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'b.txt'), '\uFEFF乙');
    await writeFile(join(dir, 'a.md'), '# 甲');
    await writeFile(join(dir, 'sub', 'c.jsonl'), '{"a": "丙"}');
    await writeFile(join(dir, 'notes.csv'), 'x');
    await writeFile(join(dir, '.git', 'd.txt'), 'hidden');
    expect(await readDocuments([dir])).toEqual([
      { source: join(dir, 'a.md'), text: '# 甲' },
      { source: join(dir, 'b.txt'), text: '乙' },
      { source: join(dir, 'sub', 'c.jsonl'), text: '{"a": "丙"}' },
    ]);
  });

  it('reads an explicitly named file of another extension as text', async () => {
    await writeFile(join(dir, 'notes.csv'), 'x,y');
    expect(await readDocuments([join(dir, 'notes.csv')])).toEqual([
      { source: join(dir, 'notes.csv'), text: 'x,y' },
    ]);
  });

  it('says PDF is not supported yet, named or found in a directory', async () => {
    await writeFile(join(dir, 'paper.PDF'), '%PDF-1.4');
    await expect(readDocuments([join(dir, 'paper.PDF')])).rejects.toThrow(
      /paper\.PDF: PDF is not supported yet/,
    );
    await expect(readDocuments([dir])).rejects.toThrow(/paper\.PDF: PDF is not supported yet/);
  });

  it('names a missing path and the expected form', async () => {
    await expect(readDocuments([join(dir, 'nope.txt')])).rejects.toThrow(
      `${join(dir, 'nope.txt')}: no such file or directory; expected a .txt, .md or .jsonl file or a directory`,
    );
  });
});
