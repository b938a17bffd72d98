import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index.js';
import type { Passage } from './passage.js';

const p = (id: number, text: string): Passage => ({ id, source: 'toy.txt', line: id + 1, text });
// Lengths 2, 3, 1: avgdl = 2. N = 3.
const toy = [p(0, 'cat dog'), p(1, 'cat cat fish'), p(2, 'bird')];

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-bm25-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('Bm25Index', () => {
  it('scores with Okapi BM25, k1 1.5 and b 0.75 by default (hand-computed)', () => {
    const index = new Bm25Index(toy);
    // "fish": df 1, idf ln(1 + 2.5/1.5) = ln(8/3); passage 1: tf 1, |D| 3, norm 1 - .75 + .75·3/2 = 1.375
    // -> 1·2.5 / (1 + 1.5·1.375) = 2.5/3.0625.
    const fish = index.search('fish', 5);
    expect(fish.map((h) => h.passage.id)).toEqual([1]);
    expect(fish[0]!.score).toBeCloseTo(Math.log(8 / 3) * (2.5 / 3.0625), 12);
    // "cat": df 2, idf ln(1.6); passage 1: tf 2 -> 5/(2 + 2.0625); passage 0: tf 1, norm 1 -> 2.5/2.5.
    const cat = index.search('CAT!', 5);
    expect(cat.map((h) => h.passage.id)).toEqual([1, 0]);
    expect(cat[0]!.score).toBeCloseTo(Math.log(1.6) * (5 / 4.0625), 12);
    expect(cat[1]!.score).toBeCloseTo(Math.log(1.6), 12);
  });

  it('counts each distinct query term once and sums over terms', () => {
    const index = new Bm25Index(toy);
    // passage 0 for "dog": df 1, tf 1, norm 1 -> ln(8/3); plus "cat" ln(1.6).
    const hits = index.search('dog cat dog', 5);
    expect(hits[0]!.passage.id).toBe(0);
    expect(hits[0]!.score).toBeCloseTo(Math.log(8 / 3) + Math.log(1.6), 12);
  });

  it('takes k1 and b: with b 0 length does not matter', () => {
    const index = new Bm25Index(toy, { k1: 1.2, b: 0 });
    // passage 2 "bird": idf ln(8/3), tf 1 -> 2.2/2.2.
    expect(index.search('bird', 1)[0]!.score).toBeCloseTo(Math.log(8 / 3), 12);
  });

  it('breaks ties by ascending id, cuts to k and leaves out passages with no matching term', () => {
    const index = new Bm25Index([p(5, '发热'), p(3, '发热'), p(4, '咳嗽')]);
    expect(index.search('发热', 5).map((h) => h.passage.id)).toEqual([3, 5]);
    expect(index.search('发热', 1).map((h) => h.passage.id)).toEqual([3]);
    expect(index.search('头痛', 5)).toEqual([]);
  });

  it('checks its parameters and ids', () => {
    expect(() => new Bm25Index(toy, { b: 1.5 })).toThrow('Bm25Index: b must be a number in [0, 1], got 1.5');
    expect(() => new Bm25Index(toy, { k1: -1 })).toThrow(/k1 must be a finite number >= 0/);
    expect(() => new Bm25Index([p(1, 'a'), p(1, 'b')])).toThrow('Bm25Index: passage id 1 appears twice');
    expect(() => new Bm25Index(toy).search('cat', 0)).toThrow(/k must be a positive integer, got 0/);
  });

  it('round-trips through toJSON/fromJSON and save/load with the same results', async () => {
    const index = new Bm25Index(toy, { k1: 1.2, b: 0.5 });
    const path = join(dir, 'index.json');
    await index.save(path);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved).toMatchObject({ format: 'medgpt-rag-bm25', version: 1, k1: 1.2, b: 0.5 });
    const loaded = await Bm25Index.load(path);
    expect(loaded.search('cat fish', 3)).toEqual(index.search('cat fish', 3));
    expect(Bm25Index.fromJSON(JSON.parse(JSON.stringify(index))).search('dog', 3)).toEqual(
      index.search('dog', 3),
    );
  });

  it('names the file and the field on a wrong or old format', async () => {
    const path = join(dir, 'old.json');
    await writeFile(path, JSON.stringify({ ...new Bm25Index(toy).toJSON(), version: 0 }));
    await expect(Bm25Index.load(path)).rejects.toThrow(
      `${path}: version: expected 1, got 0; rebuild the index`,
    );
    await writeFile(path, '{"passages": []}');
    await expect(Bm25Index.load(path)).rejects.toThrow(`${path}: format: expected "medgpt-rag-bm25"`);
    await writeFile(path, 'not json');
    await expect(Bm25Index.load(path)).rejects.toThrow(new RegExp(`^${path}: `));
    const bad = {
      ...new Bm25Index(toy).toJSON(),
      passages: [p(0, 'a'), { id: 1, source: 's', line: 'x', text: 't' }],
    };
    expect(() => Bm25Index.fromJSON(bad)).toThrow('passages[1].line: expected an integer');
  });
});
