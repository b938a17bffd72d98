import { readFile } from 'node:fs/promises';

import { TokenizerError } from './tokenizer-error.js';

/** MedicalGPT's filter for Baichuan's vocabulary: entries made only of common CJK characters. */
export const CHINESE_WORD = /^[\u4e00-\u9fa5]+$/u;

/**
 * Words from a vocabulary or word-frequency list (MedicalGPT's data/vocab/baichuan_vocab.txt
 * `piece<TAB>id`, or jieba's `word freq`): the first whitespace-separated field of each line that
 * matches `filter` (default CHINESE_WORD), in file order, without repeats.
 */
export async function readVocabWords(path: string, filter: RegExp = CHINESE_WORD): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TokenizerError(`cannot read the word list (${(e as Error).message})`, {
      file: path,
      expected: 'a text file with one `word<whitespace>...` entry per line',
    });
  }
  const words = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const word = line.trim().split(/\s+/)[0] ?? '';
    if (word !== '' && filter.test(word)) words.add(word);
  }
  return [...words];
}
