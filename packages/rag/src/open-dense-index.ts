import { existsSync } from 'node:fs';
import { comparePassages } from './compare-passages.js';
import { DenseIndex, type EmbeddingModelId } from './dense-index.js';
import type { Passage } from './passage.js';

export interface OpenDenseIndexOptions {
  /** The model `embed` runs; a saved index built with another is refused. */
  model: EmbeddingModelId;
  /** Embeds passage texts, one vector of `model.dimension` each, in order. */
  embed: (texts: readonly string[]) => Promise<Float32Array[]>;
  /** Where the index is saved: loaded when the file exists, else built and saved there. Default: not saved. */
  path?: string;
  /** Progress lines. Default: dropped. */
  log?: (line: string) => void;
}

/**
 * The dense index of `passages`: loaded from `path` when it exists (refused, naming the file, when it
 * holds another model's vectors or other passages, e.g. a BM25 index rebuilt from changed documents),
 * else embedded with `embed` and saved to `path`. Embedding a corpus is the slow part of chatpdf, which
 * is why the vectors are kept.
 */
export async function openDenseIndex(
  passages: readonly Passage[],
  { model, embed, path, log = () => {} }: OpenDenseIndexOptions,
): Promise<DenseIndex> {
  if (path !== undefined && existsSync(path)) {
    const index = await DenseIndex.load(path);
    try {
      index.checkModel(model);
    } catch (err) {
      throw new Error(
        `${path}: ${(err as Error).message}; delete the file to embed the passages again with "${model.name}"`,
        { cause: err },
      );
    }
    const difference = comparePassages(index.passages, passages);
    if (difference !== undefined)
      throw new Error(
        `${path}: the dense index holds other passages than the documents' (${difference}); ` +
          'delete the file to embed them again',
      );
    log(`[medgpt] dense index: ${path}`);
    return index;
  }
  log(`[medgpt] embedding ${passages.length} passages with ${model.name}`);
  const index = new DenseIndex(passages, await embed(passages.map((p) => p.text)), model);
  if (path !== undefined) {
    await index.save(path);
    log(`[medgpt] dense index saved to ${path}`);
  }
  return index;
}
