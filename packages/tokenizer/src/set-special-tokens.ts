import type { SpecialTokenRole } from './special-tokens.js';
import type { TokenizerFiles } from './tokenizer.js';
import type { AddedTokenJson } from './tokenizer-json.js';

/** New contents for some roles; null removes a role. */
export type SpecialTokenAssignments = Partial<Record<SpecialTokenRole, string | null>>;

/**
 * Tokenizer files with the given roles reassigned, like transformers' `add_special_tokens({...})`:
 * a token that is not yet an added token becomes one (special, never split), keeping its vocabulary
 * id if it has one, else taking the next free id. Both tokenizer_config.json and, when present,
 * special_tokens_map.json (which overrides it) get the new values.
 */
export function setSpecialTokens(
  files: TokenizerFiles,
  roles: SpecialTokenAssignments,
  tokenToId: (token: string) => number | undefined,
  vocabSize: number,
): TokenizerFiles {
  const added = [...files.tokenizerJson.added_tokens];
  const config = { ...files.tokenizerConfig };
  const map = files.specialTokensMap ? { ...files.specialTokensMap } : null;
  let nextId = vocabSize;
  for (const [role, content] of Object.entries(roles) as [SpecialTokenRole, string | null | undefined][]) {
    if (content === undefined) continue;
    const key = `${role}_token` as const;
    config[key] = content;
    if (map) map[key] = content;
    if (content === null || added.some((t) => t.content === content)) continue;
    const id = tokenToId(content) ?? nextId++;
    added.push(specialAddedToken(id, content));
  }
  added.sort((a, b) => a.id - b.id);
  return {
    ...files,
    tokenizerJson: { ...files.tokenizerJson, added_tokens: added },
    tokenizerConfig: config,
    specialTokensMap: map,
  };
}

/** An added token as transformers writes a special one: matched whole, never normalized. */
export function specialAddedToken(id: number, content: string): AddedTokenJson {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}
