// The JSON shapes of a Hugging Face tokenizer directory, as written by `tokenizers` (Rust) and
// `transformers`' save_pretrained. Only the fields medgpt reads or writes are typed; the rest is
// kept as it is and written back unchanged.

/** A JSON object whose fields medgpt passes through without interpreting them. */
export type JsonObject = { [key: string]: unknown };

/** One entry of tokenizer.json's `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** tokenizer.json's `model` when `type` is `BPE`. */
export interface BpeModelJson {
  type: 'BPE';
  vocab: Record<string, number>;
  /** Either `"a b"` strings (older files) or `["a", "b"]` pairs (tokenizers >= 0.20). */
  merges: string[] | [string, string][];
  dropout?: number | null;
  unk_token?: string | null;
  continuing_subword_prefix?: string | null;
  end_of_word_suffix?: string | null;
  fuse_unk?: boolean;
  byte_fallback?: boolean;
  ignore_merges?: boolean;
}

/** A whole tokenizer.json. */
export interface TokenizerJson {
  version?: string;
  truncation: JsonObject | null;
  padding: JsonObject | null;
  added_tokens: AddedTokenJson[];
  normalizer: JsonObject | null;
  pre_tokenizer: JsonObject | null;
  post_processor: JsonObject | null;
  decoder: JsonObject | null;
  model: JsonObject & { type?: string };
}

/** A special token as transformers writes it: a plain string or an AddedToken-like object. */
export type SpecialTokenValue = string | { content: string; [key: string]: unknown } | null;

/** tokenizer_config.json (transformers). Unknown fields are kept. */
export interface TokenizerConfig {
  bos_token?: SpecialTokenValue;
  eos_token?: SpecialTokenValue;
  unk_token?: SpecialTokenValue;
  pad_token?: SpecialTokenValue;
  additional_special_tokens?: SpecialTokenValue[];
  chat_template?: string | { name: string; template: string }[] | null;
  clean_up_tokenization_spaces?: boolean;
  model_max_length?: number;
  padding_side?: 'left' | 'right';
  truncation_side?: 'left' | 'right';
  tokenizer_class?: string;
  added_tokens_decoder?: Record<string, Omit<AddedTokenJson, 'id'>>;
  [key: string]: unknown;
}

/** special_tokens_map.json (transformers). */
export interface SpecialTokensMap {
  bos_token?: SpecialTokenValue;
  eos_token?: SpecialTokenValue;
  unk_token?: SpecialTokenValue;
  pad_token?: SpecialTokenValue;
  additional_special_tokens?: SpecialTokenValue[];
  [key: string]: unknown;
}
