import type { Bm25Index, SearchHit } from './bm25-index.js';
import { comparePassages } from './compare-passages.js';
import type { DenseIndex } from './dense-index.js';
import { fuseRankings } from './fuse-rankings.js';
import type { Retriever } from './retriever.js';

/** Embeds a question with the model the dense index was built with. */
export type EmbedQuery = (query: string) => Float32Array | Promise<Float32Array>;

export interface HybridRetrieverOptions {
  /**
   * How many passages each ranking contributes to the fusion; default max(k, 50). Deeper than k, so a
   * passage ranked just below k by both methods can still beat one ranked high by only one.
   */
  depth?: number;
  /** The k of reciprocal-rank fusion, 1/(k + rank); default fuseRankings' 60. */
  rrfK?: number;
}

/**
 * chatpdf.py's ensemble of BM25 and embedding similarity: the question's BM25 ranking and its dense
 * (cosine) ranking merged by reciprocal-rank fusion, which needs no calibration between BM25 scores and
 * cosines. A hit's score is its fused score. Both indexes must hold the same passages (one corpus).
 */
export class HybridRetriever implements Retriever {
  private readonly depth: number | undefined;
  private readonly rrfK: number | undefined;

  constructor(
    readonly bm25: Bm25Index,
    readonly dense: DenseIndex,
    private readonly embedQuery: EmbedQuery,
    options: HybridRetrieverOptions = {},
  ) {
    const difference = comparePassages(bm25.passages, dense.passages);
    if (difference !== undefined)
      throw new Error(`HybridRetriever: the BM25 and dense indexes hold different passages (${difference})`);
    if (options.depth !== undefined && !(Number.isInteger(options.depth) && options.depth >= 1))
      throw new Error(`HybridRetriever: depth must be a positive integer, got ${options.depth}`);
    this.depth = options.depth;
    this.rrfK = options.rrfK;
  }

  /** The top `k` passages by fused rank, best first. */
  async search(query: string, k: number): Promise<SearchHit[]> {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`HybridRetriever.search: k must be a positive integer, got ${k}`);
    const depth = this.depth ?? Math.max(k, 50);
    const sparse = this.bm25.search(query, depth);
    const dense = this.dense.search(await this.embedQuery(query), depth);
    const byId = new Map([...sparse, ...dense].map((h) => [h.passage.id, h.passage]));
    const ids = (hits: SearchHit[]) => hits.map((h) => h.passage.id);
    return fuseRankings([ids(sparse), ids(dense)], this.rrfK)
      .slice(0, k)
      .map(({ id, score }) => ({ passage: byId.get(id)!, score }));
  }
}
