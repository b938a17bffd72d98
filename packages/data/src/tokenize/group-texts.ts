export interface GroupTextsOptions {
  /** `--block_size` (MedicalGPT default 1024), already capped at the tokenizer's model_max_length. */
  readonly blockSize: number;
  /** Appended after each document not already ending with it (MedicalGPT falls back to the pad id). */
  readonly eosTokenId: number;
}

/**
 * MedicalGPT's `group_text_function` (pretraining.py, `--packing True`) over one `map` batch of
 * tokenised documents: concatenate, appending EOS to every document whose last token is not EOS (an
 * empty document becomes a lone EOS), drop the remainder after the last full block (only when at
 * least one block is full; a shorter total stays as one short block), and cut into blocks. Labels
 * are the input ids; documents attend across EOS inside a block.
 */
export function groupTexts(docs: readonly (readonly number[])[], options: GroupTextsOptions): number[][] {
  const { blockSize, eosTokenId } = options;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`block_size must be a positive integer, got ${blockSize}`);
  }
  const all: number[] = [];
  for (const ids of docs) {
    for (const id of ids) all.push(id);
    if (ids.length === 0 || ids[ids.length - 1] !== eosTokenId) all.push(eosTokenId);
  }
  const total = all.length >= blockSize ? Math.floor(all.length / blockSize) * blockSize : all.length;
  const blocks: number[][] = [];
  for (let i = 0; i < total; i += blockSize) blocks.push(all.slice(i, i + blockSize));
  return blocks;
}
