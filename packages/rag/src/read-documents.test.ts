import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDocuments } from './read-documents.js';

const fixture = fileURLToPath(new URL('../fixtures/medical-2-pages.pdf', import.meta.url));
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

  it('reads a PDF’s text layer, named or found in a directory, pages separated by form feeds', async () => {
    await copyFile(fixture, join(dir, 'paper.PDF'));
    const [named] = await readDocuments([join(dir, 'paper.PDF')]);
    expect(named!.source).toBe(join(dir, 'paper.PDF'));
    expect(named!.text.split('\f').map((page) => page.split('\n')[0])).toEqual([
      'Hypertension is a chronic condition in which the blood',
      '糖尿病患者应定期监测血糖，',
    ]);
    expect(await readDocuments([dir])).toEqual([named]);
  });

  it('names the file of a broken PDF', async () => {
    await writeFile(join(dir, 'paper.pdf'), '%PDF-1.4\ngarbage');
    await expect(readDocuments([dir])).rejects.toThrow(
      `${join(dir, 'paper.pdf')}: not a readable PDF (Invalid PDF structure.); the file is damaged or not a PDF`,
    );
  });

  it('says DOCX is not supported yet, named or found in a directory', async () => {
    await writeFile(join(dir, 'letter.DOCX'), 'PK');
    await expect(readDocuments([join(dir, 'letter.DOCX')])).rejects.toThrow(
      /letter\.DOCX: DOCX is not supported yet/,
    );
    await expect(readDocuments([dir])).rejects.toThrow(/letter\.DOCX: DOCX is not supported yet/);
  });

  it('names a missing path and the expected form', async () => {
    await expect(readDocuments([join(dir, 'nope.txt')])).rejects.toThrow(
      `${join(dir, 'nope.txt')}: no such file or directory; expected a .txt, .md, .jsonl or .pdf file or a directory`,
    );
  });
});
