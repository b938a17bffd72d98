// @medgpt/rag: retrieval over documents (MedicalGPT's chatpdf.py): read, chunk, BM25, dense vectors, fuse, cite.
export { analyseText } from './analyse-text.js';
export { Bm25Index, type Bm25IndexJson, type Bm25Options, type SearchHit } from './bm25-index.js';
export {
  buildCitedPrompt,
  CITED_PROMPT_INSTRUCTION,
  type CitedPrompt,
  type CitedSource,
} from './build-cited-prompt.js';
export { checkChunkOptions, chunkText, type ChunkOptions } from './chunk-text.js';
export { comparePassages } from './compare-passages.js';
export { DenseIndex, type DenseIndexHeader, type EmbeddingModelId } from './dense-index.js';
export { fuseRankings, type FusedHit } from './fuse-rankings.js';
export { HybridRetriever, type EmbedQuery, type HybridRetrieverOptions } from './hybrid-retriever.js';
export { joinWrappedLines } from './join-wrapped-lines.js';
export { jsonlRecords } from './jsonl-records.js';
export { markdownParagraphs } from './markdown-paragraphs.js';
export { openDenseIndex, type OpenDenseIndexOptions } from './open-dense-index.js';
export { openBm25Index, type OpenBm25IndexOptions, type OpenedBm25Index } from './open-bm25-index.js';
export type { LocatedText, Passage } from './passage.js';
export { pdfParagraphs } from './pdf-paragraphs.js';
export { pdfText } from './pdf-text.js';
export { DOCUMENT_EXTENSIONS, readDocuments, type Document } from './read-documents.js';
export { DEFAULT_CHUNK, readPassages, type ReadPassagesOptions } from './read-passages.js';
export type { Retriever } from './retriever.js';
export { splitDocument } from './split-document.js';
export { textLines } from './text-lines.js';
export { writeFileAtomic } from './write-file-atomic.js';
