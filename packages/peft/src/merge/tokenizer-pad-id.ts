import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type TokenField = string | { content?: string } | null | undefined;

/**
 * The id of a tokenizer directory's pad token (else its eos token: MedicalGPT's fallback), read from
 * tokenizer_config.json and tokenizer.json; null when the files name neither. A merged reward model
 * needs it in config.json: transformers reads each row's reward at the last non-pad token.
 */
export async function tokenizerPadId(dir: string): Promise<number | null> {
  const read = async (name: string) => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const config = await read('tokenizer_config.json');
  const tokenizer = await read('tokenizer.json');
  if (!config || !tokenizer) return null;
  const text = (t: TokenField) => (typeof t === 'string' ? t : (t?.content ?? null));
  const added = (tokenizer.added_tokens ?? []) as { id: number; content: string }[];
  const vocab = ((tokenizer.model as { vocab?: unknown } | undefined)?.vocab ?? {}) as Record<string, number>;
  for (const field of ['pad_token', 'eos_token']) {
    const content = text(config[field] as TokenField);
    if (content === null) continue;
    const id =
      added.find((t) => t.content === content)?.id ?? (Array.isArray(vocab) ? undefined : vocab[content]);
    if (id !== undefined) return id;
  }
  return null;
}
