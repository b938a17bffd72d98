import { join } from 'node:path';
import type { Tokenizer } from '@medgpt/tokenizer';
import { detectPreTokenizer, KNOWN_PRE_TOKENIZERS } from './detect-pre-tokenizer.js';
import { GgufExportError } from './gguf-export-error.js';
import { ggufValue, type GgufValue } from './gguf-value.js';

/** gguf-py `TokenType`. */
export const GGUF_TOKEN_TYPES = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

export interface TokenizerMetadataOptions {
  /** The model's vocab_size (token_embd rows); ids the tokenizer lacks become `[PAD<id>]`, unused. */
  vocabSize: number;
  /** config.json's ids, used for a role the tokenizer leaves empty (gguf-py's SpecialVocab reads both). */
  configTokenIds: { bos: number | null; eos: number | null; pad: number | null };
  /** `tokenizer.ggml.pre` to write instead of the one detected from tokenizer.json. */
  pre?: string;
}

// gguf-py's `does_token_look_special`: added tokens that are control tokens whatever their flag says.
function looksSpecial(token: string): boolean {
  return (
    ['<pad>', '<mask>', '<2mass>', '[@BOS@]'].includes(token) ||
    (token.startsWith('<|') && token.endsWith('|>')) ||
    (token.startsWith('<｜') && token.endsWith('｜>')) ||
    (token.startsWith('<unused') && token.endsWith('>'))
  );
}

// A pair's parts with spaces spelled as GPT-2's byte character for them (gguf-py does the same).
function mergeLine(merge: string | [string, string]): string {
  if (typeof merge === 'string') return merge;
  return merge.map((part) => part.replaceAll(' ', String.fromCharCode(0x20 + 256))).join(' ');
}

// Whether tokenizer.json's post-processor puts the bos token first (Llama 3 does; it has no flag).
function postProcessorAddsBos(tokenizer: Tokenizer): boolean {
  const post = tokenizer.tokenizerJson.post_processor as { type?: string; single?: unknown } | null;
  if (post?.type !== 'TemplateProcessing' || !Array.isArray(post.single)) return false;
  const first = post.single[0] as { SpecialToken?: { id?: string } } | undefined;
  return first?.SpecialToken?.id !== undefined && first.SpecialToken.id === tokenizer.bosToken;
}

/**
 * The `tokenizer.*` keys llama.cpp reads for a byte-level BPE tokenizer, as convert_hf_to_gguf.py's
 * `_set_vocab_gpt2` and gguf-py's `SpecialVocab` write them: model `gpt2`, the pre-tokenizer name,
 * one token per id up to the model's vocab size with its type (normal; added tokens control or
 * user-defined; missing ids unused), merges, bos/eos/pad ids, add_bos_token, chat template.
 */
export function tokenizerMetadata(
  tokenizer: Tokenizer,
  options: TokenizerMetadataOptions,
): [string, GgufValue][] {
  const file = join(tokenizer.source, 'tokenizer.json');
  const json = tokenizer.tokenizerJson;
  const model = json.model as { type?: string; vocab?: Record<string, number>; merges?: unknown };
  const byteLevel = JSON.stringify([json.pre_tokenizer, json.decoder]).includes('"ByteLevel"');
  if (model.type !== 'BPE' || !byteLevel) {
    throw new GgufExportError(
      file,
      'model.type',
      `is ${JSON.stringify(model.type)}${model.type === 'BPE' ? ' without a ByteLevel pre-tokenizer/decoder (SentencePiece-style)' : ''}; GGUF export supports byte-level BPE tokenizers (tokenizer.ggml.model "gpt2": Qwen2, Llama 3, GPT-2)`,
    );
  }
  const pre = options.pre ?? detectPreTokenizer(json);
  if (pre === undefined) {
    throw new GgufExportError(
      file,
      'pre_tokenizer',
      `is not a pre-tokenizer llama.cpp is known to split alike (known: ${KNOWN_PRE_TOKENIZERS.join(', ')}); pass the name llama.cpp gives it (tokenizer.ggml.pre, e.g. 'qwen2') if you know it`,
    );
  }

  const added = new Map(json.added_tokens.map((t) => [t.id, t]));
  // A loop, not Math.max(...ids): a 150k-token vocabulary would overflow the argument stack.
  let maxId = -1;
  for (const id of Object.values(model.vocab ?? {})) maxId = Math.max(maxId, id);
  for (const id of added.keys()) maxId = Math.max(maxId, id);
  if (maxId >= options.vocabSize) {
    throw new GgufExportError(
      file,
      'model.vocab',
      `holds id ${maxId}, but the model's vocab_size is ${options.vocabSize}; expected every id below it (resize the embeddings first)`,
    );
  }
  const tokens: string[] = [];
  const types = new Int32Array(options.vocabSize);
  for (let id = 0; id < options.vocabSize; id++) {
    const a = added.get(id);
    const token = a?.content ?? tokenizer.idToToken(id);
    if (token === undefined) {
      tokens.push(`[PAD${id}]`);
      types[id] = GGUF_TOKEN_TYPES.unused;
    } else if (a !== undefined) {
      const control = a.special || looksSpecial(token);
      tokens.push(control ? token : token.replaceAll('\u2581', ' '));
      types[id] = control ? GGUF_TOKEN_TYPES.control : GGUF_TOKEN_TYPES.userDefined;
    } else {
      tokens.push(token);
      types[id] = GGUF_TOKEN_TYPES.normal;
    }
  }
  const merges = Array.isArray(model.merges) ? (model.merges as (string | [string, string])[]) : [];

  const out: [string, GgufValue][] = [
    ['tokenizer.ggml.model', ggufValue.string('gpt2')],
    ['tokenizer.ggml.pre', ggufValue.string(pre)],
    ['tokenizer.ggml.tokens', ggufValue.strings(tokens)],
    ['tokenizer.ggml.token_type', ggufValue.i32s(types)],
    // llama.cpp refuses a gpt2 vocabulary without this key, even when there are no merges.
    ['tokenizer.ggml.merges', ggufValue.strings(merges.map(mergeLine))],
  ];
  const ids = {
    bos: tokenizer.bosTokenId ?? options.configTokenIds.bos,
    eos: tokenizer.eosTokenId ?? options.configTokenIds.eos,
    unk: tokenizer.unkTokenId,
    padding: tokenizer.padTokenId ?? options.configTokenIds.pad,
  };
  for (const [role, id] of Object.entries(ids)) {
    if (id !== null) out.push([`tokenizer.ggml.${role}_token_id`, ggufValue.u32(id)]);
  }
  const config = tokenizer.tokenizerConfig;
  const addBos =
    typeof config.add_bos_token === 'boolean' ? config.add_bos_token : postProcessorAddsBos(tokenizer);
  out.push(['tokenizer.ggml.add_bos_token', ggufValue.bool(addBos)]);
  if (typeof config.add_eos_token === 'boolean')
    out.push(['tokenizer.ggml.add_eos_token', ggufValue.bool(config.add_eos_token)]);
  if (tokenizer.chatTemplate !== null)
    out.push(['tokenizer.chat_template', ggufValue.string(tokenizer.chatTemplate)]);
  return out;
}
