import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DenseIndex } from './dense-index.js';
import type { Passage } from './passage.js';

const p = (id: number, text: string): Passage => ({ id, source: 'toy.txt', line: id + 1, text });
const passages = [p(0, 'east'), p(1, 'north'), p(2, 'north-east'), p(3, 'north again')];
const v = (...xs: number[]) => Float32Array.from(xs);
// Unnormalised on purpose: the index normalises, so only directions count.
const vectors = [v(2, 0), v(0, 3), v(1, 1), v(0, 0.5)];
const model = { name: '/models/tiny', dimension: 2 };

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-dense-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('DenseIndex', () => {
  it('ranks by cosine similarity, best first, ties by ascending id, cut to k', () => {
    const index = new DenseIndex(passages, vectors, model);
    const hits = index.search(v(0, 10), 3);
    // north (1) and north again (3) both cosine 1: tie by id; north-east cos 45° = √½.
    expect(hits.map((h) => h.passage.id)).toEqual([1, 3, 2]);
    expect(hits.map((h) => h.score)).toEqual([1, 1, expect.closeTo(Math.SQRT1_2, 6)]);
    expect(index.search(v(1, 0), 1)).toEqual([{ passage: passages[0], score: 1 }]);
    // Every passage has a similarity (negative included), unlike BM25's positive-only hits.
    expect(index.search(v(-1, 0), 4).map((h) => h.passage.id)).toEqual([1, 3, 2, 0]);
    expect(index.search(v(-1, 0), 4).at(-1)!.score).toBeCloseTo(-1, 6);
  });

  it('stores unit vectors; a zero vector stays zero and scores 0', () => {
    const index = new DenseIndex([p(0, 'a'), p(1, 'b')], [v(3, 4), v(0, 0)], model);
    expect([...index.vector(0)]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(index.search(v(1, 1), 2).map((h) => [h.passage.id, h.score])).toEqual([
      [0, expect.closeTo(1.4 / Math.SQRT2, 6)],
      [1, 0],
    ]);
  });

  it('checks its vectors, ids, k and the query', () => {
    expect(() => new DenseIndex(passages, vectors.slice(1), model)).toThrow(
      'DenseIndex: 4 passages but 3 vectors',
    );
    expect(() => new DenseIndex([p(0, 'a')], [v(1, 2, 3)], model)).toThrow(
      "DenseIndex: vectors[0] has length 3; the model's dimension is 2",
    );
    expect(() => new DenseIndex([p(0, 'a')], [v(1, NaN)], model)).toThrow(
      'DenseIndex: vectors[0][1] is NaN; expected a finite number',
    );
    expect(() => new DenseIndex([p(1, 'a'), p(1, 'b')], [v(1, 0), v(0, 1)], model)).toThrow(
      'DenseIndex: passage id 1 appears twice',
    );
    expect(() => new DenseIndex([], [], { name: '', dimension: 2 })).toThrow(
      'DenseIndex: model.name: expected a non-empty string',
    );
    const index = new DenseIndex(passages, vectors, model);
    expect(() => index.search(v(1, 0), 0)).toThrow('DenseIndex.search: k must be a positive integer, got 0');
    expect(() => index.search(v(1, 0, 0), 1)).toThrow(
      'DenseIndex.search: the query vector has length 3; expected 2',
    );
  });

  it('refuses another embedding model, naming both', () => {
    const index = new DenseIndex(passages, vectors, model);
    expect(() => index.checkModel(model)).not.toThrow();
    expect(() => index.checkModel({ name: '/models/other', dimension: 2 })).toThrow(
      'model: the index holds embeddings of "/models/tiny" (dimension 2), not of "/models/other" (dimension 2)',
    );
    expect(() => index.checkModel({ name: '/models/tiny', dimension: 3 })).toThrow(
      /not of "\/models\/tiny" \(dimension 3\)/,
    );
  });

  it('saves a JSON header line and float32 rows, and loads them back with the same results', async () => {
    const path = join(dir, 'docs.dense');
    const index = new DenseIndex(passages, vectors, model);
    await index.save(path);
    const bytes = await readFile(path);
    const end = bytes.indexOf(0x0a);
    expect(JSON.parse(bytes.subarray(0, end).toString('utf8'))).toEqual({
      format: 'medgpt-rag-dense',
      version: 1,
      model,
      dtype: 'float32-le',
      passages,
    });
    expect(bytes.length - end - 1).toBe(4 * 2 * 4);
    expect(bytes.readFloatLE(end + 1 + 2 * 4 * 2)).toBeCloseTo(Math.SQRT1_2, 6); // passage 2's x
    const loaded = await DenseIndex.load(path, { model });
    expect(loaded.model).toEqual(model);
    expect(loaded.passages).toEqual(passages);
    for (const q of [v(0, 1), v(1, 0.2), v(-1, -1)]) expect(loaded.search(q, 4)).toEqual(index.search(q, 4));
  });

  it('keeps newlines inside passages in the header', async () => {
    const path = join(dir, 'lines.dense');
    await new DenseIndex([p(0, 'a\nb')], [v(1, 0)], model).save(path);
    expect((await DenseIndex.load(path)).passages[0]!.text).toBe('a\nb');
  });

  it('names the file and the field of a bad, old, truncated or other-model file', async () => {
    const path = join(dir, 'bad.dense');
    await new DenseIndex(passages, vectors, model).save(path);
    const good = await readFile(path);
    const end = good.indexOf(0x0a);
    const header = JSON.parse(good.subarray(0, end).toString('utf8'));
    const withHeader = (h: object) =>
      writeFile(path, Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), good.subarray(end + 1)]));

    await expect(
      DenseIndex.load(path, { model: { name: 'Qwen/Qwen2.5-0.5B', dimension: 896 } }),
    ).rejects.toThrow(
      `${path}: model: the index holds embeddings of "/models/tiny" (dimension 2), not of "Qwen/Qwen2.5-0.5B" (dimension 896)`,
    );
    await writeFile(path, good.subarray(0, good.length - 4));
    await expect(DenseIndex.load(path)).rejects.toThrow(
      `${path}: vectors: expected 32 bytes after the header (4 passages × 2 × 4), got 28`,
    );
    await withHeader({ ...header, version: 2 });
    await expect(DenseIndex.load(path)).rejects.toThrow(
      `${path}: version: expected 1, got 2; rebuild the index`,
    );
    await withHeader({ ...header, model: { name: 'x', dimension: 0 } });
    await expect(DenseIndex.load(path)).rejects.toThrow(
      `${path}: model.dimension: expected a positive integer, got 0`,
    );
    await withHeader({ ...header, dtype: 'bfloat16' });
    await expect(DenseIndex.load(path)).rejects.toThrow(
      `${path}: dtype: expected "float32-le", got "bfloat16"`,
    );
    await withHeader({ ...header, passages: [{ ...passages[0], text: 5 }] });
    await expect(DenseIndex.load(path)).rejects.toThrow(`${path}: passages[0].text: expected a string`);
    await writeFile(path, JSON.stringify({ format: 'medgpt-rag-bm25', version: 1 }));
    await expect(DenseIndex.load(path)).rejects.toThrow(`${path}: format: expected "medgpt-rag-dense"`);
    await writeFile(path, 'not json');
    await expect(DenseIndex.load(path)).rejects.toThrow(`${path}: format: expected "medgpt-rag-dense"`);
  });
});
