import {
  HybridRetriever,
  openBm25Index,
  openDenseIndex,
  type Bm25Index,
  type ChunkOptions,
  type Retriever,
} from '@medgpt/rag';
import type { TextEmbedder } from './text-embedder.js';

export interface DocumentRetrieverOptions {
  /** The BM25 index file: loaded when it exists, else written from `corpusFiles`. Dense vectors go beside it (`.dense`). */
  indexFile?: string;
  /** Documents to index when there is no index file yet. */
  corpusFiles?: readonly string[];
  /** How long passages are split (readPassages' default when left out). */
  chunk?: ChunkOptions | false;
  /** chatpdf's --sim_model: dense vectors of every passage, fused with BM25. Without it: BM25 alone. */
  embedder?: TextEmbedder;
  log?: (line: string) => void;
}

/** The documents an answer may cite and the retriever over them. */
export interface OpenedDocuments {
  retriever: Retriever;
  bm25: Bm25Index;
  /** Where the BM25 index came from, and the file it was saved to (null: not saved this time). */
  from: 'index-file' | 'corpus-files';
  savedTo: string | null;
  /** Whether dense vectors are fused with BM25. */
  dense: boolean;
}

/**
 * chatpdf.py's documents at start-up, for `medgpt chatpdf` and `medgpt serve` alike: the BM25 index
 * (openBm25Index), and with an embedder the passages' vectors (loaded from `<indexFile>.dense` when they
 * were made by the same model for the same passages, else embedded and saved there) fused with it by
 * reciprocal rank (HybridRetriever).
 */
export async function openDocumentRetriever(o: DocumentRetrieverOptions): Promise<OpenedDocuments> {
  const { index, from, savedTo } = await openBm25Index({
    indexFile: o.indexFile,
    corpusFiles: o.corpusFiles,
    chunk: o.chunk,
  });
  const embedder = o.embedder;
  if (embedder === undefined) return { retriever: index, bm25: index, from, savedTo, dense: false };
  const dense = await openDenseIndex(index.passages, {
    model: embedder.id,
    embed: (texts) => embedder.embed(texts),
    path: o.indexFile === undefined ? undefined : `${o.indexFile}.dense`,
    log: o.log,
  });
  const retriever = new HybridRetriever(index, dense, (q) => embedder.embedQuery(q));
  return { retriever, bm25: index, from, savedTo, dense: true };
}
