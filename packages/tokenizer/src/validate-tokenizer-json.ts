import { jsonPreview } from '@medgpt/json-preview';
import { checkAddedTokenIds } from './check-added-token-ids.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerConfig, TokenizerJson } from './tokenizer-json.js';

const ADDED_TOKEN_FLAGS = ['single_word', 'lstrip', 'rstrip', 'normalized', 'special'] as const;
// Token ids become int32 tensors (and u32 in Rust tokenizers): a larger id would wrap around there.
const MAX_TOKEN_ID = 2 ** 31 - 1;
const ID_FORM = `a non-negative integer id below 2^31`;
const isTokenId = (id: unknown): boolean =>
  Number.isInteger(id) && (id as number) >= 0 && (id as number) <= MAX_TOKEN_ID;

/**
 * Checks the parts of a parsed tokenizer.json that medgpt and @huggingface/tokenizers rely on,
 * so a malformed file fails here with its field named instead of deep inside the library.
 */
export function validateTokenizerJson(value: unknown, file: string): TokenizerJson {
  const json = expectObject(value, file, '', 'a JSON object (a tokenizer.json from `tokenizers`)');
  const model = expectObject(json.model, file, 'model', 'an object with "type" and "vocab"');
  if (typeof model.vocab !== 'object' || model.vocab === null) {
    fail(
      file,
      'model.vocab',
      'is missing',
      'an object mapping token -> id (BPE/WordPiece) or an array (Unigram)',
    );
  }
  if (model.type === 'BPE') validateBpeModel(model, file);
  else if (!Array.isArray(model.vocab)) validateVocabIds(model.vocab as Record<string, unknown>, file);
  if (!Array.isArray(json.added_tokens)) {
    fail(
      file,
      'added_tokens',
      `is ${describe(json.added_tokens)}`,
      'an array of {id, content, special, ...}',
    );
  }
  json.added_tokens.forEach((t: unknown, i: number) => validateAddedToken(t, file, `added_tokens[${i}]`));
  for (const key of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const) {
    const part = json[key];
    if (part === undefined) json[key] = null;
    else if (part !== null) expectObject(part, file, key, 'null or an object with a "type"');
  }
  json.truncation ??= null;
  json.padding ??= null;
  checkAddedTokenIds(json as unknown as TokenizerJson, file);
  return json as unknown as TokenizerJson;
}

/**
 * Checks tokenizer_config.json (or special_tokens_map.json, `what`): an object whose special-token
 * fields, chat template and the settings the tokenizer reads have a usable form.
 */
export function validateTokenizerConfig(
  value: unknown,
  file: string,
  what = 'tokenizer_config.json from transformers',
): TokenizerConfig {
  const config = expectObject(value, file, '', `a JSON object (${what})`);
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token'])
    checkSpecialToken(config[key], file, key);
  const extra = config.additional_special_tokens;
  if (extra !== undefined && extra !== null) {
    if (!Array.isArray(extra))
      fail(file, 'additional_special_tokens', `is ${describe(extra)}`, 'a list of tokens');
    extra.forEach((t: unknown, i: number) => checkSpecialToken(t, file, `additional_special_tokens[${i}]`));
  }
  const template = config.chat_template;
  const templateForm = 'a jinja string or a list of {"name", "template"} strings';
  if (Array.isArray(template)) {
    template.forEach((t: unknown, i: number) => {
      const entry = expectObject(t, file, `chat_template[${i}]`, templateForm);
      if (typeof entry.name !== 'string' || typeof entry.template !== 'string') {
        fail(file, `chat_template[${i}]`, 'has no string "name" and "template"', templateForm);
      }
    });
  } else if (template !== undefined && template !== null && typeof template !== 'string') {
    fail(file, 'chat_template', `is ${describe(template)}`, templateForm);
  }
  const length = config.model_max_length;
  if (length !== undefined && length !== null && !(typeof length === 'number' && length > 0)) {
    fail(file, 'model_max_length', `is ${describe(length)}`, 'a positive number');
  }
  for (const key of ['padding_side', 'truncation_side']) {
    const side = config[key];
    if (side !== undefined && side !== null && side !== 'left' && side !== 'right') {
      fail(file, key, `is ${describe(side)}`, '"left" or "right"');
    }
  }
  const cleanUp = config.clean_up_tokenization_spaces;
  if (cleanUp !== undefined && cleanUp !== null && typeof cleanUp !== 'boolean') {
    fail(file, 'clean_up_tokenization_spaces', `is ${describe(cleanUp)}`, 'true or false');
  }
  // null stands for "unset" in these files; the getters read undefined as the default.
  for (const key of ['model_max_length', 'padding_side', 'truncation_side', 'clean_up_tokenization_spaces']) {
    if (config[key] === null) delete config[key];
  }
  return config as TokenizerConfig;
}

function checkSpecialToken(v: unknown, file: string, field: string): void {
  if (v === undefined || v === null || typeof v === 'string') return;
  if (typeof v !== 'object' || typeof (v as { content?: unknown }).content !== 'string') {
    fail(file, field, `is ${describe(v)}`, 'a string, null, or an object with a string "content"');
  }
}

function validateBpeModel(model: Record<string, unknown>, file: string): void {
  const vocab = model.vocab as Record<string, unknown>;
  if (Array.isArray(vocab)) fail(file, 'model.vocab', 'is an array', 'an object mapping token -> id for BPE');
  validateVocabIds(vocab, file);
  const merges = model.merges;
  if (!Array.isArray(merges)) fail(file, 'model.merges', `is ${describe(merges)}`, 'an array of merges');
  for (let i = 0; i < merges.length; i++) {
    const m: unknown = merges[i];
    const ok =
      typeof m === 'string'
        ? m.indexOf(' ') > 0
        : Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string';
    if (!ok) fail(file, `model.merges[${i}]`, `is ${describe(m)}`, '"left right" or ["left", "right"]');
  }
}

function validateVocabIds(vocab: Record<string, unknown>, file: string): void {
  // A plain loop: this runs over 100k+ entries on every load.
  for (const token in vocab) {
    const id = vocab[token];
    if (!isTokenId(id)) fail(file, `model.vocab[${jsonPreview(token, 40)}]`, `is ${describe(id)}`, ID_FORM);
  }
}

function validateAddedToken(value: unknown, file: string, field: string): void {
  const t = expectObject(value, file, field, 'an object {id, content, special, ...}');
  if (!isTokenId(t.id)) fail(file, `${field}.id`, `is ${describe(t.id)}`, ID_FORM);
  if (typeof t.content !== 'string') fail(file, `${field}.content`, `is ${describe(t.content)}`, 'a string');
  for (const flag of ADDED_TOKEN_FLAGS) {
    if (t[flag] !== undefined && typeof t[flag] !== 'boolean') {
      fail(file, `${field}.${flag}`, `is ${describe(t[flag])}`, 'a boolean');
    }
  }
  // The defaults of tokenizers' AddedToken, so saved files always carry every flag.
  t.special ??= false;
  t.single_word ??= false;
  t.lstrip ??= false;
  t.rstrip ??= false;
  t.normalized ??= !t.special;
}

function expectObject(
  value: unknown,
  file: string,
  field: string,
  expected: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, field === '' ? undefined : field, `is ${describe(value)}`, expected);
  }
  return value as Record<string, unknown>;
}

function fail(file: string, field: string | undefined, problem: string, expected: string): never {
  throw new TokenizerError(problem, { file, field, expected });
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${jsonPreview(value, 40)}`;
}
