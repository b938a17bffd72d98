import type { SftTokenizer } from '@medgpt/templates';

/**
 * What the data pipeline needs from a tokenizer; wrap any tokenizer to fit (`@medgpt/tokenizer`'s,
 * or `@huggingface/tokenizers`' directly). `encode(text, { addSpecialTokens: true })` must equal
 * transformers' `tokenizer(text)["input_ids"]`.
 */
export interface DataTokenizer extends SftTokenizer {
  /** The EOS token's text; TRL appends it to preference answers before tokenising. */
  readonly eosToken?: string;
  /** Padding id for batches (MedicalGPT falls back to unk, then EOS). */
  readonly padTokenId?: number;
}
