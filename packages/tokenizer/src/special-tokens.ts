import { TokenizerError } from './tokenizer-error.js';
import type { SpecialTokensMap, SpecialTokenValue, TokenizerConfig } from './tokenizer-json.js';

/** The special-token roles transformers tracks and MedicalGPT's scripts rely on. */
export type SpecialTokenRole = 'bos' | 'eos' | 'unk' | 'pad';

export const SPECIAL_TOKEN_ROLES: readonly SpecialTokenRole[] = ['bos', 'eos', 'unk', 'pad'];

/** A special token's text and its id in the vocabulary. */
export interface SpecialToken {
  readonly content: string;
  readonly id: number;
}

/** Each role's token, or null when the tokenizer has none (Qwen has no bos, Llama-3 no pad). */
export type SpecialTokens = Readonly<Record<SpecialTokenRole, SpecialToken | null>>;

/** The text of a special-token field, whichever of transformers' forms it was written in. */
export function specialTokenContent(value: SpecialTokenValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : value.content;
}

/**
 * Resolves bos/eos/unk/pad the way transformers' from_pretrained does: special_tokens_map.json
 * overrides tokenizer_config.json, and each token must be in the vocabulary.
 */
export function resolveSpecialTokens(
  config: TokenizerConfig,
  map: SpecialTokensMap | null,
  tokenToId: (token: string) => number | undefined,
  files: { config: string; map: string },
): SpecialTokens {
  const resolve = (role: SpecialTokenRole): SpecialToken | null => {
    const key = `${role}_token` as const;
    const fromMap = map?.[key];
    const file = fromMap !== undefined ? files.map : files.config;
    const content = specialTokenContent(fromMap !== undefined ? fromMap : config[key]);
    if (content === null) return null;
    const id = tokenToId(content);
    if (id === undefined) {
      throw new TokenizerError(`${JSON.stringify(content)} is not in the vocabulary of tokenizer.json`, {
        file,
        field: key,
        expected: 'a token of tokenizer.json (model.vocab or added_tokens), or null',
        hint: 'Add it to tokenizer.json\'s "added_tokens" (special: true) or fix the field',
      });
    }
    return { content, id };
  };
  return { bos: resolve('bos'), eos: resolve('eos'), unk: resolve('unk'), pad: resolve('pad') };
}
