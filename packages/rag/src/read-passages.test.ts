import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPassages } from './read-passages.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-passages-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readPassages', () => {
  it('numbers passages across files, keeping source and line', async () => {
    await writeFile(join(dir, 'a.txt'), '发热\n\n咳嗽');
    await writeFile(join(dir, 'b.jsonl'), '\n{"问": "头痛?", "答": "休息"}');
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.jsonl');
    expect(await readPassages([dir])).toEqual([
      { id: 0, source: a, line: 1, text: '发热' },
      { id: 1, source: a, line: 3, text: '咳嗽' },
      { id: 2, source: b, line: 2, text: '问: 头痛?\n答: 休息' },
    ]);
  });

  it('splits long passages into chunks with the same source and line and their own ids', async () => {
    const a = join(dir, 'a.txt');
    await writeFile(a, 'x\nabcdefghij');
    expect(await readPassages([a], { chunk: { size: 4, overlap: 1 } })).toEqual([
      { id: 0, source: a, line: 1, text: 'x' },
      { id: 1, source: a, line: 2, text: 'abcd' },
      { id: 2, source: a, line: 2, text: 'defg' },
      { id: 3, source: a, line: 2, text: 'ghij' },
    ]);
    expect(await readPassages([a], { chunk: false })).toHaveLength(2);
  });

  it('chunks at 250 code points by default', async () => {
    const a = join(dir, 'a.txt');
    await writeFile(a, '字'.repeat(251));
    expect((await readPassages([a])).map((p) => [...p.text].length)).toEqual([250, 1]);
  });

  it('checks chunk options before reading', async () => {
    await expect(readPassages([dir], { chunk: { size: 2, overlap: 3 } })).rejects.toThrow(
      /size > overlap >= 0/,
    );
  });
});
