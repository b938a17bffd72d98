import type { TokenizerJson } from '@medgpt/tokenizer';

// llama.cpp names a byte-level BPE pre-tokenizer (`tokenizer.ggml.pre`) and splits text with its own
// copy of that regex; it does not read tokenizer.json's. Its converter tells them apart by hashing the
// ids of a test text; here the Split regex itself is matched.
const KNOWN_SPLITS: Readonly<Record<string, string>> = {
  // Qwen2 / Qwen2.5 / Qwen3: single digits.
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    'qwen2',
  // Llama 3 / 3.1 / 3.2: digits in groups of up to three.
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    'llama-bpe',
};

/** The pre-tokenizer names llama.cpp's converter writes for the splits above, and GPT-2's. */
export const KNOWN_PRE_TOKENIZERS: readonly string[] = [...new Set(Object.values(KNOWN_SPLITS)), 'gpt-2'];

type Json = Record<string, unknown>;

function parts(pre: unknown): Json[] {
  if (typeof pre !== 'object' || pre === null) return [];
  const o = pre as Json;
  return o.type === 'Sequence' && Array.isArray(o.pretokenizers) ? (o.pretokenizers as Json[]) : [o];
}

/**
 * llama.cpp's `tokenizer.ggml.pre` for a byte-level BPE tokenizer.json, from its pre-tokenizer: the
 * Split regex of Qwen2 ('qwen2') or Llama 3 ('llama-bpe'), or GPT-2's ByteLevel regex alone
 * ('gpt-2'). Undefined for anything else.
 */
export function detectPreTokenizer(json: TokenizerJson): string | undefined {
  const steps = parts(json.pre_tokenizer);
  const splits = steps.filter((s) => s.type === 'Split');
  const byteLevel = steps.filter((s) => s.type === 'ByteLevel');
  if (splits.length === 0 && byteLevel.length === 1 && steps.length === 1) {
    return byteLevel[0]!.use_regex !== false ? 'gpt-2' : undefined;
  }
  if (splits.length !== 1 || byteLevel.length !== 1 || steps.length !== 2) return undefined;
  if (byteLevel[0]!.use_regex === true) return undefined;
  const pattern = splits[0]!.pattern as Json | undefined;
  const regex = pattern?.Regex;
  return typeof regex === 'string' ? KNOWN_SPLITS[regex] : undefined;
}
