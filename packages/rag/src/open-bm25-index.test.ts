import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBm25Index } from './open-bm25-index.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-open-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('openBm25Index', () => {
  it('builds from the corpus files, saves to the index file, and loads it next time', async () => {
    const corpus = join(dir, 'corpus.txt');
    const indexFile = join(dir, 'corpus.bm25.json');
    await writeFile(corpus, 'fever and fluids\ncough syrup\n');
    const built = await openBm25Index({ corpusFiles: [corpus], indexFile, chunk: { size: 10, overlap: 0 } });
    expect(built.from).toBe('corpus-files');
    expect(built.savedTo).toBe(indexFile);
    expect(built.index.passages.map((p) => p.text)).toEqual(['fever and ', 'fluids', 'cough syru', 'p']);
    // The corpus changes, but the saved index wins: it is what was asked for.
    await writeFile(corpus, 'something else entirely\n');
    const loaded = await openBm25Index({ corpusFiles: [corpus], indexFile });
    expect(loaded.from).toBe('index-file');
    expect(loaded.savedTo).toBeNull();
    expect(loaded.index.passages).toEqual(built.index.passages);
    expect(loaded.index.search('fluids', 1)[0]!.passage.line).toBe(1);
  });

  it('builds in memory without an index file, with readPassages’ default chunks', async () => {
    const corpus = join(dir, 'a.txt');
    await writeFile(corpus, `${'x'.repeat(300)}\n`);
    const { index, savedTo } = await openBm25Index({ corpusFiles: [corpus] });
    expect(savedTo).toBeNull();
    expect(index.passages.map((p) => p.text.length)).toEqual([250, 50]);
  });

  it('names corpus_files when there is nothing to build from', async () => {
    await expect(openBm25Index({})).rejects.toThrow(/^corpus_files: expected one or more files/);
    await expect(openBm25Index({ indexFile: join(dir, 'none.json') })).rejects.toThrow(
      /^corpus_files: .*none\.json from \(it does not exist yet\)$/,
    );
  });
});
