// SentencePiece's split_by_unicode_script, coarsely: a token never mixes scripts. Han, Hiragana
// and Katakana count as one script (as in SentencePiece); combining marks join their base.

const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['Han', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc]/u],
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
];
const INHERITED = /\p{M}/u;

const cache = new Map<string, string>();

/** The script class of one character: a script name, `Inherited` for marks, else `Common`. */
export function scriptClass(char: string): string {
  let script = cache.get(char);
  if (script === undefined) {
    script = INHERITED.test(char) ? 'Inherited' : (SCRIPTS.find(([, re]) => re.test(char))?.[0] ?? 'Common');
    cache.set(char, script);
  }
  return script;
}
