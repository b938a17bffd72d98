import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { Bm25Index, HybridRetriever } from '@medgpt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDocumentRetriever } from './open-document-retriever.js';
import { TextEmbedder } from './text-embedder.js';

const root = mkdtempSync(join(tmpdir(), 'open-documents-'));
const corpus = join(root, 'notes.txt');
writeFileSync(corpus, 'fever: drink fluids and rest\ncough: honey in warm tea\nrash: keep the skin dry\n');
let embedder: TextEmbedder;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const { dir } = await createTinyModel({ architecture: 'llama', hiddenSize: 32, seed: 4 }, join(root, 'm'));
  embedder = await TextEmbedder.load(dir, { name: 'tiny' });
});
afterAll(() => embedder.dispose());

describe('openDocumentRetriever', () => {
  it('without an embedder: the BM25 index itself, built from the corpus and saved', async () => {
    const indexFile = join(root, 'bm25-only.json');
    const opened = await openDocumentRetriever({ corpusFiles: [corpus], indexFile });
    expect(opened.retriever).toBeInstanceOf(Bm25Index);
    expect([opened.from, opened.savedTo, opened.dense]).toEqual(['corpus-files', indexFile, false]);
    const hits = await opened.retriever.search('cough', 1);
    expect(hits.map((h) => h.passage.line)).toEqual([2]);
  });

  it('with an embedder: BM25 fused with vectors saved beside the index, reloaded from both files', async () => {
    const indexFile = join(root, 'hybrid.json');
    const log: string[] = [];
    const first = await openDocumentRetriever({
      corpusFiles: [corpus],
      indexFile,
      embedder,
      log: (l) => log.push(l),
    });
    expect(first.retriever).toBeInstanceOf(HybridRetriever);
    expect(first.dense).toBe(true);
    expect(existsSync(`${indexFile}.dense`)).toBe(true);
    const again = await openDocumentRetriever({ indexFile, embedder });
    expect([again.from, again.savedTo, again.dense]).toEqual(['index-file', null, true]);
    const [a, b] = [await first.retriever.search('cough', 3), await again.retriever.search('cough', 3)];
    expect(b.map((h) => h.passage.id)).toEqual(a.map((h) => h.passage.id));
    expect(a.length).toBe(3); // the dense ranking adds passages BM25 alone does not find
  });
});
