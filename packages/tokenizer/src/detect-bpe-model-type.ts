import { join } from 'node:path';

import type { BpeModelType } from './bpe-layouts.js';
import { METASPACE } from './split-sentencepiece-words.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerJson } from './tokenizer-json.js';

/**
 * Which BPE family a tokenizer.json belongs to: `byte_level` (GPT-2/Qwen/Llama-3: a ByteLevel
 * pre-tokenizer or decoder) or `sentencepiece` (Llama-2/Mistral: spaces become `▁`).
 */
export function detectBpeModelType(json: TokenizerJson, source = '<memory>'): BpeModelType {
  const file = join(source, 'tokenizer.json');
  if (json.model.type !== 'BPE') {
    throw new TokenizerError(`model.type is ${JSON.stringify(json.model.type)}`, {
      file,
      field: 'model.type',
      expected: '"BPE" (vocabulary merge and training support BPE models only)',
    });
  }
  const parts = [json.normalizer, json.pre_tokenizer, json.decoder];
  if (parts.some((p) => mentions(p, (o) => o.type === 'ByteLevel'))) return 'byte_level';
  const metaspace = (o: Record<string, unknown>) =>
    o.type === 'Metaspace' || o.content === METASPACE || o.prepend === METASPACE;
  if (parts.some((p) => mentions(p, metaspace))) return 'sentencepiece';
  throw new TokenizerError('is neither byte-level nor SentencePiece-style BPE', {
    file,
    field: 'normalizer/pre_tokenizer/decoder',
    expected: 'a ByteLevel pre-tokenizer/decoder, or a Metaspace/"▁" replacement',
  });
}

/** Whether `value` or any object nested in it satisfies `test`. */
function mentions(value: unknown, test: (o: Record<string, unknown>) => boolean): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, test));
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return test(o) || Object.values(o).some((v) => mentions(v, test));
}
