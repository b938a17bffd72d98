import { checkAddedTokenIds } from './check-added-token-ids.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerConfig, TokenizerJson } from './tokenizer-json.js';

const ADDED_TOKEN_FLAGS = ['single_word', 'lstrip', 'rstrip', 'normalized', 'special'] as const;

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

/** Checks tokenizer_config.json: an object whose special-token fields have a usable form. */
export function validateTokenizerConfig(value: unknown, file: string): TokenizerConfig {
  const config = expectObject(value, file, '', 'a JSON object (tokenizer_config.json from transformers)');
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const v = config[key];
    if (v === undefined || v === null || typeof v === 'string') continue;
    if (typeof v !== 'object' || typeof (v as { content?: unknown }).content !== 'string') {
      fail(file, key, `is ${describe(v)}`, 'a string, null, or an object with a string "content"');
    }
  }
  const template = config.chat_template;
  if (
    template !== undefined &&
    template !== null &&
    typeof template !== 'string' &&
    !Array.isArray(template)
  ) {
    fail(file, 'chat_template', `is ${describe(template)}`, 'a jinja string or a list of {name, template}');
  }
  return config as TokenizerConfig;
}

function validateBpeModel(model: Record<string, unknown>, file: string): void {
  const vocab = model.vocab as Record<string, unknown>;
  if (Array.isArray(vocab)) fail(file, 'model.vocab', 'is an array', 'an object mapping token -> id for BPE');
  // Plain loops: these run over 100k+ entries on every load.
  for (const token in vocab) {
    const id = vocab[token];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      fail(file, `model.vocab[${JSON.stringify(token)}]`, `is ${describe(id)}`, 'a non-negative integer id');
    }
  }
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

function validateAddedToken(value: unknown, file: string, field: string): void {
  const t = expectObject(value, file, field, 'an object {id, content, special, ...}');
  if (!Number.isInteger(t.id) || (t.id as number) < 0) {
    fail(file, `${field}.id`, `is ${describe(t.id)}`, 'a non-negative integer');
  }
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
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}
