import type { SearchHit } from './bm25-index.js';

/**
 * Anything that ranks passages for a question: a Bm25Index (synchronous) or a HybridRetriever (async,
 * because the question must be embedded first). Hits are best first, at most `k`.
 */
export interface Retriever {
  search(query: string, k: number): SearchHit[] | Promise<SearchHit[]>;
}
