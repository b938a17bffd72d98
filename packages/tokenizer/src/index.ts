// @medgpt/tokenizer: Hugging Face tokenizers with exact ids, transformers' batch semantics,
// UTF-8-safe streaming decode, domain BPE training and vocabulary merge.

// loading, using and saving a tokenizer
export { loadTokenizer } from './load-tokenizer.js';
export { Tokenizer } from './tokenizer.js';
export type { DecodeOptions, EncodeBatchOptions, EncodeOptions, TokenizerFiles } from './tokenizer.js';
export { saveTokenizer } from './save-tokenizer.js';
export { TokenizerError } from './tokenizer-error.js';
export type { TokenizerErrorDetails } from './tokenizer-error.js';
export type {
  AddedTokenJson,
  BpeModelJson,
  JsonObject,
  SpecialTokensMap,
  SpecialTokenValue,
  TokenizerConfig,
  TokenizerJson,
} from './tokenizer-json.js';

// special tokens and MedicalGPT's fallbacks
export { SPECIAL_TOKEN_ROLES } from './special-tokens.js';
export type { SpecialToken, SpecialTokenRole, SpecialTokens } from './special-tokens.js';
export type { SpecialTokenAssignments } from './set-special-tokens.js';
export { applySpecialTokenFallbacks } from './special-token-fallbacks.js';
export type {
  SpecialTokenFallback,
  SpecialTokenFallbackOptions,
  SpecialTokenFallbackResult,
} from './special-token-fallbacks.js';

// batches
export { padBatch } from './pad-batch.js';
export type { BatchEncoding, PadBatchOptions, PaddingSide, PaddingStrategy } from './pad-batch.js';
export { truncateIds } from './truncate-ids.js';
export type { TruncationSide } from './truncate-ids.js';

// decoding
export { cleanUpTokenization } from './clean-up-tokenization.js';
export { StreamingDetokenizer } from './streaming-detokenizer.js';
export type { StreamingDetokenizerOptions } from './streaming-detokenizer.js';

// training and vocabulary merge
export { trainBpe } from './train-bpe.js';
export type { TrainBpeOptions, TrainBpeResult, TrainBpeStats } from './train-bpe.js';
export type { BpeModelType, TextNormalization } from './bpe-layouts.js';
export { mergeTokenizers } from './merge-tokenizers.js';
export type {
  MergeTokenizersOptions,
  MergeTokenizersResult,
  MergeTokenizersStats,
} from './merge-tokenizers.js';
export { detectBpeModelType } from './detect-bpe-model-type.js';
export { readTextLines } from './read-text-lines.js';
export { CHINESE_WORD, readVocabWords } from './read-vocab-words.js';
export { buildTrainedFixtures, writeTrainedFixtures } from './trained-fixtures.js';
export type { TrainedFixtureInputs, TrainedFixtures } from './trained-fixtures.js';
