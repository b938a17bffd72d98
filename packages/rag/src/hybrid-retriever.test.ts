import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index.js';
import { DenseIndex } from './dense-index.js';
import { fuseRankings } from './fuse-rankings.js';
import { HybridRetriever } from './hybrid-retriever.js';
import type { Passage } from './passage.js';
import type { Retriever } from './retriever.js';

const texts = [
  '发热时多喝水，注意休息。', // 0
  '咳嗽持续三周以上应拍胸片。', // 1
  '体温升高超过三十八度半可服退烧药。', // 2: about fever, but shares no term with the question
  '糖尿病患者要控制饮食。', // 3
];
const passages: Passage[] = texts.map((text, id) => ({ id, source: 'hand.txt', line: id + 1, text }));
const model = { name: 'hand-made', dimension: 3 };
// Hand-made "embeddings": axis 0 = fever, 1 = cough, 2 = diabetes.
const vectors = [
  [1, 0.1, 0],
  [0, 1, 0],
  [0.9, 0, 0.1],
  [0, 0, 1],
].map((x) => Float32Array.from(x));
const embedQuery = async () => Float32Array.from([1, 0, 0]); // the question is about fever

describe('HybridRetriever', () => {
  const bm25 = new Bm25Index(passages);
  const dense = new DenseIndex(passages, vectors, model);
  const question = '发热怎么办'; // BM25: only passage 0 shares terms (发, 热, 发热)

  it('adds a passage found only by dense similarity to the fused list', async () => {
    expect(bm25.search(question, 4).map((h) => h.passage.id)).toEqual([0]);
    const hybrid = new HybridRetriever(bm25, dense, embedQuery);
    const hits = await hybrid.search(question, 2);
    expect(hits.map((h) => h.passage.id)).toEqual([0, 2]);
    expect(hits[1]!.passage).toBe(passages[2]);
  });

  it("scores with fuseRankings over both rankings (RRF), and takes fusion's k and the depth", async () => {
    const fused = fuseRankings([[0], [0, 2, 1, 3]], 60);
    const hits = await new HybridRetriever(bm25, dense, embedQuery).search(question, 4);
    expect(hits.map((h) => ({ id: h.passage.id, score: h.score }))).toEqual(fused);
    // depth 1: each ranking gives its best only, and both give passage 0.
    const shallow = await new HybridRetriever(bm25, dense, embedQuery, { depth: 1, rrfK: 2 }).search(
      question,
      4,
    );
    expect(shallow).toEqual([{ passage: passages[0], score: 2 / 3 }]);
  });

  it('is a Retriever, as a Bm25Index is', async () => {
    const retrievers: Retriever[] = [bm25, new HybridRetriever(bm25, dense, embedQuery)];
    for (const r of retrievers) expect((await r.search(question, 1))[0]!.passage.id).toBe(0);
  });

  it('refuses indexes over different passages, and a bad k or depth', async () => {
    const other = new DenseIndex(passages.slice(0, 3), vectors.slice(0, 3), model);
    expect(() => new HybridRetriever(bm25, other, embedQuery)).toThrow(
      'HybridRetriever: the BM25 and dense indexes hold different passages (4 passages against 3)',
    );
    expect(() => new HybridRetriever(bm25, dense, embedQuery, { depth: 0 })).toThrow(
      /depth must be a positive integer/,
    );
    await expect(new HybridRetriever(bm25, dense, embedQuery).search(question, 0)).rejects.toThrow(
      /k must be a positive integer, got 0/,
    );
  });
});
