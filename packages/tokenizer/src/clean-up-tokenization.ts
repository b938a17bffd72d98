// transformers' `clean_up_tokenization`: removes the space a word-level tokenizer left before
// punctuation and English contractions. Applied by decode when tokenizer_config.json sets
// clean_up_tokenization_spaces (Llama-3's does).
const REPLACEMENTS: readonly (readonly [string, string])[] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

// Every character any pattern contains: a character outside this set can never take part in a
// replacement, at any stage, because the replacements only ever delete spaces.
const PATTERN_CHARS = new Set(REPLACEMENTS.flatMap(([from]) => [...from]));

/** transformers' clean_up_tokenization, replacement by replacement in the same order. */
export function cleanUpTokenization(text: string): string {
  let out = text;
  for (const [from, to] of REPLACEMENTS) out = out.replaceAll(from, to);
  return out;
}

/**
 * The largest k such that `cleanUpTokenization(text.slice(0, k))` is final whatever text follows:
 * the position after the last character that no pattern contains (0 if there is none). Streaming
 * cleans and emits up to there and holds the rest back.
 */
export function stableCleanupPrefix(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (!PATTERN_CHARS.has(text[i]!)) return i + 1;
  }
  return 0;
}
