import { existsSync } from 'node:fs';
import { Bm25Index, type Bm25Options } from './bm25-index.js';
import type { ChunkOptions } from './chunk-text.js';
import { readPassages } from './read-passages.js';

export interface OpenBm25IndexOptions {
  /** A saved index: loaded when the file exists, else where the index built from `corpusFiles` is saved. */
  indexFile?: string;
  /** Documents to index (see readPassages) when `indexFile` is not given or does not exist yet. */
  corpusFiles?: readonly string[];
  /** How long passages are split (readPassages' default when left out). */
  chunk?: ChunkOptions | false;
  /** BM25's parameters for a new index (a loaded one keeps its own). */
  bm25?: Bm25Options;
}

export interface OpenedBm25Index {
  index: Bm25Index;
  /** Where the index came from: the existing index file, or the corpus files (then saved when asked). */
  from: 'index-file' | 'corpus-files';
  /** The file the new index was written to, if any. */
  savedTo: string | null;
}

/**
 * chatpdf's documents at start-up: the index file when it exists (the corpus files are then not read),
 * else an index built from the corpus files and, with an index file given, saved there for next time.
 */
export async function openBm25Index(options: OpenBm25IndexOptions): Promise<OpenedBm25Index> {
  const { indexFile, corpusFiles = [] } = options;
  if (indexFile !== undefined && existsSync(indexFile))
    return { index: await Bm25Index.load(indexFile), from: 'index-file', savedTo: null };
  if (corpusFiles.length === 0)
    throw new Error(
      indexFile === undefined
        ? 'corpus_files: expected one or more files or directories (or an existing index_file)'
        : `corpus_files: expected one or more files or directories to build ${indexFile} from (it does not exist yet)`,
    );
  const passages = await readPassages(
    corpusFiles,
    options.chunk === undefined ? {} : { chunk: options.chunk },
  );
  const index = new Bm25Index(passages, options.bm25);
  if (indexFile !== undefined) await index.save(indexFile);
  return { index, from: 'corpus-files', savedTo: indexFile ?? null };
}
