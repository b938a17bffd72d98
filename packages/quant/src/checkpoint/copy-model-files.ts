import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files besides config.json and the weights that `save_pretrained` of a model and its tokenizer
 * leaves in a directory: the tokenizer and chat-template files transformers reads, and
 * generation_config.json.
 */
export const MODEL_SIDE_FILES = [
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'chat_template.jinja',
  'chat_template.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
] as const;

/** Copies those of `MODEL_SIDE_FILES` that `from` has into `to`; returns the names copied. */
export async function copyModelFiles(from: string, to: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of MODEL_SIDE_FILES) {
    try {
      await copyFile(join(from, name), join(to, name));
      copied.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return copied;
}
