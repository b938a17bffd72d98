import type { TokenizerJson } from './tokenizer-json.js';

const METASPACE = '\u2581';
// A non-metaspace character followed by a metaspace: the only place a word boundary can fall.
const CROSSES_BOUNDARY = /[^\u2581]\u2581/u;
// Words are a run of metaspaces and what follows them, or a trailing run of metaspaces.
const WORD_PATTERN = `${METASPACE}*[^${METASPACE}]+|${METASPACE}+`;

/**
 * SentencePiece-style BPE files (Llama-2, Mistral) have no pre-tokenizer, so the whole input is one
 * BPE "word": slow on long texts (deps-findings §3: 20k tok/s on 1 MB) and never cached. When no
 * vocabulary token and no merge result contains a metaspace after another character, no merge can
 * cross such a boundary, so splitting there first gives the same ids. This returns a copy with that
 * split as the pre-tokenizer (for the in-memory encoder only), or the input when the proof fails.
 */
export function withWordBoundarySplit(json: TokenizerJson): TokenizerJson {
  if (!canSplitAtWordBoundaries(json)) return json;
  return {
    ...json,
    pre_tokenizer: { type: 'Split', pattern: { Regex: WORD_PATTERN }, behavior: 'Isolated', invert: false },
  };
}

/** Whether `withWordBoundarySplit` would change nothing but speed for this tokenizer. */
export function canSplitAtWordBoundaries(json: TokenizerJson): boolean {
  const model = json.model;
  if (json.pre_tokenizer !== null || model.type !== 'BPE') return false;
  // ignore_merges looks words up whole; fuse_unk without byte fallback fuses across words.
  if (model.ignore_merges === true || (model.fuse_unk === true && model.byte_fallback !== true)) return false;
  if (model.dropout !== null && model.dropout !== undefined) return false;
  if (model.continuing_subword_prefix || model.end_of_word_suffix) return false;
  for (const token of Object.keys(model.vocab as Record<string, number>)) {
    if (CROSSES_BOUNDARY.test(token)) return false;
  }
  for (const merge of model.merges as (string | [string, string])[]) {
    const joined = typeof merge === 'string' ? merge.replace(' ', '') : merge[0] + merge[1];
    if (CROSSES_BOUNDARY.test(joined)) return false;
  }
  return true;
}
