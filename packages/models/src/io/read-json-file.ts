import { readFile } from 'node:fs/promises';
import { ModelError } from '../model-error.js';

/** Parses a JSON file; a missing file is `undefined` when `optional`, else an error naming it. */
export async function readJsonFile(path: string, optional: true): Promise<unknown>;
export async function readJsonFile(path: string, optional?: false): Promise<unknown>;
export async function readJsonFile(path: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelError(path, undefined, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelError(path, undefined, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
