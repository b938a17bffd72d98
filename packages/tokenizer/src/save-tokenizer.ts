import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { SPECIAL_TOKEN_ROLES } from './special-tokens.js';
import type { Tokenizer } from './tokenizer.js';
import type { AddedTokenJson, SpecialTokensMap, TokenizerConfig } from './tokenizer-json.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir` (created if
 * needed), each atomically, in the forms transformers' save_pretrained writes, so Python's
 * `AutoTokenizer.from_pretrained(dir)` and `tokenizers.Tokenizer.from_file` load them.
 */
export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJson(join(dir, 'tokenizer.json'), tokenizer.tokenizerJson);
  await writeJson(join(dir, 'tokenizer_config.json'), savedConfig(tokenizer));
  await writeJson(join(dir, 'special_tokens_map.json'), savedSpecialTokensMap(tokenizer));
}

/** tokenizer_config.json with the current roles, chat template and an up-to-date added_tokens_decoder. */
export function savedConfig(tokenizer: Tokenizer): TokenizerConfig {
  const config: TokenizerConfig = { ...tokenizer.tokenizerConfig };
  config.added_tokens_decoder = Object.fromEntries(
    tokenizer.tokenizerJson.added_tokens.map((t) => [String(t.id), addedTokenEntry(t)]),
  );
  for (const role of SPECIAL_TOKEN_ROLES)
    config[`${role}_token`] = tokenizer.specialTokens[role]?.content ?? null;
  if (tokenizer.chatTemplate !== null) config.chat_template = tokenizer.chatTemplate;
  return config;
}

/** special_tokens_map.json: the roles that are set, plus additional_special_tokens. */
export function savedSpecialTokensMap(tokenizer: Tokenizer): SpecialTokensMap {
  const map: SpecialTokensMap = {};
  for (const role of SPECIAL_TOKEN_ROLES) {
    const content = tokenizer.specialTokens[role]?.content;
    if (content !== undefined) map[`${role}_token`] = content;
  }
  const extra =
    tokenizer.specialTokensMap?.additional_special_tokens ??
    tokenizer.tokenizerConfig.additional_special_tokens;
  if (extra !== undefined && extra.length > 0) map.additional_special_tokens = extra;
  return map;
}

function addedTokenEntry(t: AddedTokenJson): Omit<AddedTokenJson, 'id'> {
  const { content, lstrip, normalized, rstrip, single_word, special } = t;
  return { content, lstrip, normalized, rstrip, single_word, special };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
