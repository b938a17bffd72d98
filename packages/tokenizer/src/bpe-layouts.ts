import { METASPACE } from './split-sentencepiece-words.js';
import type { JsonObject, TokenizerConfig } from './tokenizer-json.js';

/** The two BPE families medgpt trains and merges. */
export type BpeModelType = 'sentencepiece' | 'byte_level';

/** Unicode normalization applied before tokenization. */
export type TextNormalization = 'nfkc' | 'nfc' | 'none';

/** The parts of a tokenizer.json around the model, and the roles for tokenizer_config.json. */
export interface BpeLayout {
  /** Special tokens, at ids 0, 1, ... */
  readonly specialTokens: readonly string[];
  readonly normalizer: JsonObject | null;
  readonly preTokenizer: JsonObject | null;
  readonly postProcessor: JsonObject | null;
  readonly decoder: JsonObject;
  /** BPE model fields other than vocab and merges. */
  readonly modelOptions: JsonObject;
  readonly config: TokenizerConfig;
}

// Qwen2/2.5/3's split: contractions, letters, single digits, punctuation runs, newlines, spaces.
const QWEN2_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function unicodeNormalizer(normalization: TextNormalization): JsonObject[] {
  return normalization === 'none' ? [] : [{ type: normalization.toUpperCase() }];
}

/**
 * Llama-2 / Mistral's layout (what transformers converts a SentencePiece BPE model to): spaces
 * become `▁` and one is prepended, no pre-tokenizer, byte fallback to `<0xXX>`, `<s>` prepended.
 */
export function sentencePieceLayout(normalization: TextNormalization): BpeLayout {
  const bos = '<s>';
  return {
    specialTokens: ['<unk>', bos, '</s>', '<pad>'],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        ...unicodeNormalizer(normalization),
        { type: 'Prepend', prepend: METASPACE },
        { type: 'Replace', pattern: { String: ' ' }, content: METASPACE },
      ],
    },
    preTokenizer: null,
    postProcessor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: bos, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos]: { id: bos, ids: [1], tokens: [bos] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: METASPACE }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    modelOptions: {
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
    },
    config: {
      tokenizer_class: 'PreTrainedTokenizerFast',
      bos_token: bos,
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: '<pad>',
      clean_up_tokenization_spaces: false,
    },
  };
}

/** Qwen2's layout: NFC, its regex split, GPT-2 byte-level alphabet, no unk, no bos. */
export function byteLevelLayout(normalization: TextNormalization): BpeLayout {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  const eos = '<|endoftext|>';
  const normalizers = unicodeNormalizer(normalization);
  return {
    specialTokens: [eos],
    normalizer: normalizers[0] ?? null,
    preTokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_SPLIT }, behavior: 'Isolated', invert: false },
        byteLevel,
      ],
    },
    postProcessor: byteLevel,
    decoder: byteLevel,
    modelOptions: {
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
    },
    config: {
      tokenizer_class: 'PreTrainedTokenizerFast',
      bos_token: null,
      eos_token: eos,
      unk_token: null,
      pad_token: eos,
      clean_up_tokenization_spaces: false,
    },
  };
}
