import { checkChunkOptions, chunkText, type ChunkOptions } from './chunk-text.js';
import type { Passage } from './passage.js';
import { readDocuments } from './read-documents.js';
import { splitDocument } from './split-document.js';

/** chatpdf.py's defaults: chunks of 250 characters, no overlap. */
export const DEFAULT_CHUNK: ChunkOptions = { size: 250, overlap: 0 };

export interface ReadPassagesOptions {
  /** How to split passages longer than `size` (default DEFAULT_CHUNK); `false` keeps them whole. */
  chunk?: ChunkOptions | false;
}

/**
 * Reads files and directories (see readDocuments) into passages: one per .txt line, .jsonl record, or
 * Markdown or PDF paragraph (a PDF's keeping its page), long ones split by chunkText into several
 * passages with the same source, page and line.
 * Ids run 0, 1, 2, ... in reading order.
 */
export async function readPassages(
  paths: readonly string[],
  options: ReadPassagesOptions = {},
): Promise<Passage[]> {
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  if (chunk) checkChunkOptions(chunk);
  const passages: Passage[] = [];
  for (const doc of await readDocuments(paths)) {
    for (const { page, line, text } of splitDocument(doc)) {
      for (const piece of chunk ? chunkText(text, chunk) : [text]) {
        const passage: Passage = { id: passages.length, source: doc.source, line, text: piece };
        if (page !== undefined) passage.page = page;
        passages.push(passage);
      }
    }
  }
  return passages;
}
