import { basename } from 'node:path';
import type { ApiRagOptions } from '@medgpt/api';
import type { TextEmbedder } from '@medgpt/serving';
import { UsageError } from '../args/usage-error.js';

/** serve's document flags (chatpdf's names, plus the rag_ prefix where chatpdf's would be ambiguous). */
export interface ServeDocumentFlags {
  corpus_files?: string[];
  index_file?: string;
  chunk_size: number;
  chunk_overlap: number;
  rag_topn: number;
  rag_context_len: number;
  sim_model?: string;
}

const DOCUMENT_FLAGS = [
  'corpus_files',
  'index_file',
  'chunk_size',
  'chunk_overlap',
  'rag_topn',
  'rag_context_len',
  'sim_model',
] as const satisfies readonly (keyof ServeDocumentFlags)[];

/** serve's flags split into the document flags and the rest. */
export function splitServeDocumentFlags<F extends ServeDocumentFlags>(
  flags: F,
): [ServeDocumentFlags, Omit<F, keyof ServeDocumentFlags>] {
  const docs: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...(flags as object) };
  for (const key of DOCUMENT_FLAGS) {
    docs[key] = (flags as ServeDocumentFlags)[key];
    delete rest[key];
  }
  return [docs as unknown as ServeDocumentFlags, rest as Omit<F, keyof ServeDocumentFlags>];
}

/** Whether serve was given documents (--corpus_files or --index_file); if so, checks the document flags. */
export function checkServeDocumentFlags(flags: ServeDocumentFlags): boolean {
  const corpusFiles = flags.corpus_files ?? [];
  if (corpusFiles.length === 0 && flags.index_file === undefined) {
    if (flags.sim_model !== undefined)
      throw new UsageError('--sim_model needs documents: give --corpus_files or --index_file');
    return false;
  }
  if (!(Number.isInteger(flags.rag_topn) && flags.rag_topn >= 1))
    throw new UsageError(`--rag_topn must be a positive integer, got ${flags.rag_topn}`);
  if (!(Number.isInteger(flags.rag_context_len) && flags.rag_context_len >= 1))
    throw new UsageError(`--rag_context_len must be a positive integer, got ${flags.rag_context_len}`);
  if (!(flags.chunk_size > flags.chunk_overlap && flags.chunk_overlap >= 0))
    throw new UsageError(
      `--chunk_size must be greater than --chunk_overlap >= 0, got ${flags.chunk_size} and ${flags.chunk_overlap}`,
    );
  return true;
}

/**
 * The documents `"rag"` chat requests are answered from, loaded at start-up as chatpdf loads them (the
 * BM25 index file when it exists, else the corpus indexed and saved there; with an embedder, the
 * passages' vectors fused with it). `flags` are ones checkServeDocumentFlags accepted as naming
 * documents.
 */
export async function loadServeDocuments(
  flags: ServeDocumentFlags,
  log: (line: string) => void,
  embedder?: TextEmbedder,
): Promise<ApiRagOptions> {
  const corpusFiles = flags.corpus_files ?? [];
  const { openDocumentRetriever } = await import('@medgpt/serving');
  let opened;
  try {
    opened = await openDocumentRetriever({
      indexFile: flags.index_file,
      corpusFiles,
      chunk: { size: flags.chunk_size, overlap: flags.chunk_overlap },
      embedder,
      log,
    });
  } catch (err) {
    const message = (err as Error).message;
    throw message.startsWith('corpus_files:') ? new UsageError(`--${message}`) : err;
  }
  const { bm25: index, from, savedTo, retriever, dense } = opened;
  const origin = from === 'index-file' ? `the index ${flags.index_file}` : corpusFiles.join(', ');
  const files = new Set(index.passages.map((p) => basename(p.source))).size;
  log(
    `[medgpt] documents: ${index.passages.length} passages (${files} file${files === 1 ? '' : 's'}) from ${origin}, ` +
      (dense ? 'BM25 + dense vectors' : 'BM25'),
  );
  if (savedTo !== null) log(`[medgpt] index saved to ${savedTo}`);
  if (index.passages.length === 0)
    log('[medgpt] warning: no passages: every "rag" request will find nothing');
  return {
    retriever,
    passages: index.passages.length,
    topN: flags.rag_topn,
    maxChars: flags.rag_context_len,
  };
}
