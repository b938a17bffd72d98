import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PeftError } from '../peft-error.js';

/**
 * transformers' len(tokenizer) for a fast tokenizer directory: the number of distinct ids in
 * tokenizer.json's model vocabulary and added tokens.
 */
export async function tokenizerLength(dir: string): Promise<number> {
  const file = join(dir, 'tokenizer.json');
  let json: { model?: { vocab?: unknown }; added_tokens?: { id: number }[] };
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as typeof json;
  } catch (e) {
    throw new PeftError(
      file,
      undefined,
      `cannot read the tokenizer (needed for resize_emb): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const vocab = json.model?.vocab;
  const ids = new Set<number>();
  if (Array.isArray(vocab))
    vocab.forEach((_, i) => ids.add(i)); // Unigram: [piece, score] by id
  else if (vocab && typeof vocab === 'object') for (const id of Object.values(vocab)) ids.add(id as number);
  else throw new PeftError(file, 'model.vocab', 'is missing; expected the vocabulary of a fast tokenizer');
  for (const t of json.added_tokens ?? []) ids.add(t.id);
  return ids.size;
}
