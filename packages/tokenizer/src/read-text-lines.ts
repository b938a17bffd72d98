import { readFile } from 'node:fs/promises';

import { TokenizerError } from './tokenizer-error.js';

/** The lines of UTF-8 text files (LF or CRLF), in order: training input for `trainBpe`. */
export async function readTextLines(paths: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new TokenizerError(`cannot read the training text (${(e as Error).message})`, {
        file: path,
        expected: 'a UTF-8 text file, one sentence or paragraph per line',
      });
    }
    for (const line of text.split(/\r?\n/)) lines.push(line);
  }
  return lines;
}
