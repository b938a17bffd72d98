import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index.js';
import { readPassages } from './read-passages.js';

const corpusPath = fileURLToPath(new URL('../../../data/medicalgpt/rag/medical_corpus.txt', import.meta.url));
const lines = readFileSync(corpusPath, 'utf8').split('\n');

describe('BM25 on data/medicalgpt/rag/medical_corpus.txt', () => {
  it('reads one passage per line (chatpdf reads the JSON lines as plain text), long lines chunked', async () => {
    const passages = await readPassages([corpusPath]);
    const nonEmpty = lines.filter((l) => l.trim()).length;
    expect(new Set(passages.map((p) => p.line)).size).toBe(nonEmpty);
    expect(passages.every((p) => [...p.text].length <= 250)).toBe(true);
  });

  it.each([1, 20, 87])('ranks line %i first when queried with its exact question', async (line) => {
    const index = new Bm25Index(await readPassages([corpusPath]));
    const question = (JSON.parse(lines[line - 1]!) as { 问: string }).问;
    const [top] = index.search(question, 5);
    expect(top!.passage.line).toBe(line);
  });
});
