import type { TextRecord } from '../formats/data-format.js';
import type { RecordSource, SourcedRecord } from '../record-issue.js';
import type { DataTokenizer } from './data-tokenizer.js';
import { groupTexts } from './group-texts.js';

/** One pretraining block: `labels` are these ids (loss on every token, MedicalGPT's PT). */
export interface PtBlock {
  readonly inputIds: Int32Array;
  /** The document the block's first token comes from. */
  readonly source: RecordSource;
}

export interface PtBlockOptions {
  /** `--block_size` (default 1024). */
  readonly blockSize?: number;
  /** The tokenizer's model_max_length: block_size is capped at it, as MedicalGPT does. */
  readonly modelMaxLength?: number;
  /**
   * Rows per `datasets.map` batch (HF default 1000). MedicalGPT groups each batch on its own, so the
   * remainder dropped is per batch; keep 1000 to get its blocks exactly.
   */
  readonly mapBatchSize?: number;
}

/**
 * Streams PT blocks from text records, exactly as MedicalGPT's pretraining.py makes them with
 * `--packing True`: `tokenizer(text)` per row (special tokens included), then `group_text_function`
 * per `map` batch of 1000 rows. Only one batch of tokens is held at a time.
 */
export async function* ptBlocks(
  records: Iterable<SourcedRecord<TextRecord>> | AsyncIterable<SourcedRecord<TextRecord>>,
  tokenizer: DataTokenizer,
  options: PtBlockOptions = {},
): AsyncGenerator<PtBlock> {
  const blockSize = Math.min(options.blockSize ?? 1024, options.modelMaxLength ?? Infinity);
  const batchSize = options.mapBatchSize ?? 1000;
  let docs: number[][] = [];
  let sources: RecordSource[] = [];
  const flush = function* (): Generator<PtBlock> {
    const blocks = groupTexts(docs, { blockSize, eosTokenId: tokenizer.eosTokenId });
    // Source of each block: the document holding its first token.
    let doc = 0;
    let docEnd = docLength(docs[0], tokenizer.eosTokenId);
    for (const [b, block] of blocks.entries()) {
      const start = b * blockSize;
      while (start >= docEnd && doc < docs.length - 1) docEnd += docLength(docs[++doc], tokenizer.eosTokenId);
      yield { inputIds: Int32Array.from(block), source: sources[doc]! };
    }
    docs = [];
    sources = [];
  };
  for await (const record of records) {
    docs.push([...tokenizer.encode(record.value.text, { addSpecialTokens: true })]);
    sources.push(record.source);
    if (docs.length === batchSize) yield* flush();
  }
  if (docs.length > 0) yield* flush();
}

/** A document's length once grouped: EOS is appended unless it already ends with one. */
function docLength(ids: readonly number[] | undefined, eos: number): number {
  if (!ids) return 0;
  return ids.length + (ids.length === 0 || ids[ids.length - 1] !== eos ? 1 : 0);
}
