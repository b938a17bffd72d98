/** Scripts written without spaces between words: Han, kana, CJK punctuation and full-width forms. */
const UNSPACED = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3000-\\u303f\\uff00-\\uffef]';
const ENDS_UNSPACED = new RegExp(`${UNSPACED}$`, 'u');
const STARTS_UNSPACED = new RegExp(`^${UNSPACED}`, 'u');
/** A word broken at its own hyphen ("first-" / "line"): rejoined as it was, without a space. */
const ENDS_HYPHEN = /\p{L}-$/u;

/**
 * The lines of one paragraph, as a page layout wrapped them, joined back into running text: a space
 * where the break fell between words, nothing where either side is Chinese or Japanese (a space
 * between their characters would be a break the author never wrote). Lines are trimmed; blank ones
 * are skipped.
 */
export function joinWrappedLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (out && !ENDS_UNSPACED.test(out) && !STARTS_UNSPACED.test(line) && !ENDS_HYPHEN.test(out)) out += ' ';
    out += line;
  }
  return out;
}
