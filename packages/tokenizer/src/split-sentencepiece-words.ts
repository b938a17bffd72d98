import { scriptClass } from './unicode-script.js';

/** The metaspace that SentencePiece-style tokenizers write for a space. */
export const METASPACE = '\u2581';

export interface SentencePieceSplitOptions {
  /** Every digit is a token of its own (MedicalGPT: split_digits=True). */
  splitDigits: boolean;
  /** Tokens never mix scripts (MedicalGPT: split_by_unicode_script=True). */
  splitByUnicodeScript: boolean;
  /** Characters outside the trained alphabet (rare ones) are left out of every word. */
  inAlphabet: (char: string) => boolean;
}

const DIGIT = /\p{Nd}/u;

/**
 * Splits a normalized line (spaces already metaspaces) into the words BPE training may merge
 * inside: a word starts at a metaspace that follows another character, at a change of script, and
 * around each digit; characters outside the alphabet split words and are dropped. Every boundary
 * depends on two adjacent characters only, so no learned token can span one, and the tokenizer
 * then needs no pre-tokenizer to encode as it was trained.
 */
export function splitSentencePieceWords(text: string, o: SentencePieceSplitOptions): string[][] {
  const words: string[][] = [];
  let word: string[] = [];
  let prev: string | null = null;
  let script = ''; // of the word so far, ignoring metaspaces and marks
  const flush = () => {
    if (word.length > 0) words.push(word);
    word = [];
    script = '';
  };
  for (const char of text) {
    if (!o.inAlphabet(char)) {
      flush();
      prev = null;
      continue;
    }
    const charScript = char === METASPACE ? '' : scriptClass(char);
    if (prev !== null && isBoundary(prev, char, script, charScript, o)) flush();
    word.push(char);
    if (charScript !== '' && charScript !== 'Inherited') script = charScript;
    prev = char;
  }
  flush();
  return words;
}

function isBoundary(
  prev: string,
  char: string,
  script: string,
  charScript: string,
  o: SentencePieceSplitOptions,
) {
  if (char === METASPACE) return prev !== METASPACE;
  if (o.splitDigits && (DIGIT.test(char) || DIGIT.test(prev))) return true;
  if (!o.splitByUnicodeScript || script === '' || charScript === 'Inherited') return false;
  return charScript !== script;
}
