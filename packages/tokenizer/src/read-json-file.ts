import { readFile } from 'node:fs/promises';

import { TokenizerError } from './tokenizer-error.js';

/**
 * Reads and parses a JSON file, or returns `undefined` when `optional` and the file is absent.
 * Missing or unparsable files throw a TokenizerError naming the file.
 */
export async function readJsonFile(path: string, optional: true): Promise<unknown>;
export async function readJsonFile(path: string, optional?: false): Promise<unknown>;
export async function readJsonFile(path: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenizerError(`cannot read the file (${(e as Error).message})`, { file: path }, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerError(`is not valid JSON (${(e as Error).message})`, { file: path }, { cause: e });
  }
}
