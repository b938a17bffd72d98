import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

import type { JsonObject } from './tokenizer-json.js';

/** The normalizer and pre-tokenizer of a tokenizer.json, without a model. */
export interface TextPipeline {
  normalize(text: string): string;
  /** The pre-tokens of normalized text (the text itself when there is no pre-tokenizer). */
  preTokenize(text: string): string[];
}

/**
 * Runs @huggingface/tokenizers' own normalizer and pre-tokenizer for the given JSON parts, so
 * training sees text exactly as the encoder will (same NFKC, same regex split, same byte map).
 */
export function createTextPipeline(
  normalizer: JsonObject | null,
  preTokenizer: JsonObject | null,
): TextPipeline {
  const skeleton = {
    added_tokens: [],
    normalizer,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder: null,
    model: { type: 'BPE', vocab: {}, merges: [] },
  };
  const hf = new HfTokenizer(skeleton, {});
  return {
    normalize: (text) => (hf.normalizer ? hf.normalizer(text) : text),
    preTokenize: (text) => (hf.pre_tokenizer ? hf.pre_tokenizer(text) : [text]),
  };
}
