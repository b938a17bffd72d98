import { byteLevelTokenizerConfig, byteLevelTokenizerJson, CHATML_TEMPLATE } from '@medgpt/models';
import { Tokenizer, type TokenizerJson } from '@medgpt/tokenizer';
import { describe, expect, it } from 'vitest';
import { detectPreTokenizer } from './detect-pre-tokenizer.js';
import type { GgufValue } from './gguf-value.js';
import { GGUF_TOKEN_TYPES, tokenizerMetadata } from './tokenizer-metadata.js';

const LLAMA3_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const NO_IDS = { bos: null, eos: null, pad: null };

function tiny(edit: (json: TokenizerJson) => void = () => undefined, config = {}): Tokenizer {
  const json = byteLevelTokenizerJson();
  edit(json);
  return Tokenizer.fromFiles({
    tokenizerJson: json,
    tokenizerConfig: { ...byteLevelTokenizerConfig(64), ...config },
    source: '/models/tiny',
  });
}

const asMap = (kvs: [string, GgufValue][]) => new Map(kvs.map(([k, v]) => [k, v.value]));

describe('tokenizerMetadata', () => {
  it("writes the tiny Qwen-style tokenizer as llama.cpp's gpt2 vocabulary", () => {
    const kv = asMap(
      tokenizerMetadata(tiny(), { vocabSize: 262, configTokenIds: { bos: null, eos: 258, pad: 256 } }),
    );
    expect(kv.get('tokenizer.ggml.model')).toBe('gpt2');
    expect(kv.get('tokenizer.ggml.pre')).toBe('qwen2');
    const tokens = kv.get('tokenizer.ggml.tokens') as string[];
    expect(tokens.length).toBe(262);
    expect(tokens.slice(0, 3)).toEqual(['Ā', 'ā', 'Ă']); // bytes 0..2 in GPT-2's byte alphabet
    expect(tokens[32]).toBe('Ġ'); // the space byte
    expect(tokens[65]).toBe('A');
    expect(tokens.slice(256)).toEqual([
      '<|endoftext|>',
      '<|im_start|>',
      '<|im_end|>',
      '[PAD259]',
      '[PAD260]',
      '[PAD261]',
    ]);
    const types = [...(kv.get('tokenizer.ggml.token_type') as Int32Array)];
    expect(types.slice(0, 256).every((t) => t === GGUF_TOKEN_TYPES.normal)).toBe(true);
    expect(types.slice(256)).toEqual([3, 3, 3, 5, 5, 5]); // control x3, unused x3
    expect(kv.get('tokenizer.ggml.merges')).toEqual([]);
    expect(kv.has('tokenizer.ggml.bos_token_id')).toBe(false);
    expect(kv.get('tokenizer.ggml.eos_token_id')).toBe(258); // <|im_end|>, from tokenizer_config.json
    expect(kv.get('tokenizer.ggml.padding_token_id')).toBe(256);
    expect(kv.get('tokenizer.ggml.add_bos_token')).toBe(false);
    expect(kv.get('tokenizer.chat_template')).toBe(CHATML_TEMPLATE);
  });

  it("takes config.json's ids where the tokenizer has none, and the bos flag from the post-processor", () => {
    const t = tiny(
      (json) => {
        json.added_tokens.push({
          id: 259,
          content: '<|begin_of_text|>',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        });
        json.added_tokens.push({
          id: 260,
          content: ' user word',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: false,
        });
        json.post_processor = {
          type: 'TemplateProcessing',
          single: [
            { SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
          ],
          pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: {
            '<|begin_of_text|>': { id: '<|begin_of_text|>', ids: [259], tokens: ['<|begin_of_text|>'] },
          },
        };
        (json.model as { merges: string[][] }).merges = [
          ['Ġ', 't'],
          ['h', 'e'],
        ];
      },
      { bos_token: '<|begin_of_text|>', add_bos_token: undefined, pad_token: null, eos_token: null },
    );
    const kv = asMap(tokenizerMetadata(t, { vocabSize: 261, configTokenIds: { bos: 1, eos: 2, pad: null } }));
    expect(kv.get('tokenizer.ggml.bos_token_id')).toBe(259); // the tokenizer's own wins
    expect(kv.get('tokenizer.ggml.eos_token_id')).toBe(2); // config.json's
    expect(kv.has('tokenizer.ggml.padding_token_id')).toBe(false);
    expect(kv.get('tokenizer.ggml.add_bos_token')).toBe(true);
    expect((kv.get('tokenizer.ggml.token_type') as Int32Array)[260]).toBe(GGUF_TOKEN_TYPES.userDefined);
    expect((kv.get('tokenizer.ggml.tokens') as string[])[260]).toBe(' user word');
    expect(kv.get('tokenizer.ggml.merges')).toEqual(['Ġ t', 'h e']);
  });

  it('refuses SentencePiece-style tokenizers, naming the file and the field', () => {
    const t = tiny((json) => {
      json.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
      json.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
      json.post_processor = null;
    });
    expect(() => tokenizerMetadata(t, { vocabSize: 259, configTokenIds: NO_IDS })).toThrow(
      '/models/tiny/tokenizer.json: "model.type": is "BPE" without a ByteLevel pre-tokenizer/decoder (SentencePiece-style); GGUF export supports byte-level BPE tokenizers',
    );
  });

  it('refuses a pre-tokenizer llama.cpp does not know unless its name is given', () => {
    const t = tiny((json) => {
      const seq = json.pre_tokenizer as { pretokenizers: { pattern: { Regex: string } }[] };
      seq.pretokenizers[0]!.pattern.Regex = '\\s+|\\w+';
    });
    expect(() => tokenizerMetadata(t, { vocabSize: 259, configTokenIds: NO_IDS })).toThrow(
      /tokenizer\.json: "pre_tokenizer": is not a pre-tokenizer llama\.cpp is known to split alike \(known: qwen2, llama-bpe, gpt-2\)/,
    );
    const kv = asMap(tokenizerMetadata(t, { vocabSize: 259, configTokenIds: NO_IDS, pre: 'default' }));
    expect(kv.get('tokenizer.ggml.pre')).toBe('default');
  });

  it("refuses ids beyond the model's vocab_size", () => {
    expect(() => tokenizerMetadata(tiny(), { vocabSize: 258, configTokenIds: NO_IDS })).toThrow(
      '"model.vocab": holds id 258, but the model\'s vocab_size is 258',
    );
  });
});

describe('detectPreTokenizer', () => {
  const withSplit = (regex: string): TokenizerJson => {
    const json = byteLevelTokenizerJson();
    (
      json.pre_tokenizer as { pretokenizers: { pattern: { Regex: string } }[] }
    ).pretokenizers[0]!.pattern.Regex = regex;
    return json;
  };
  it("recognises Qwen2's and Llama 3's split regex and GPT-2's ByteLevel", () => {
    expect(detectPreTokenizer(byteLevelTokenizerJson())).toBe('qwen2');
    expect(detectPreTokenizer(withSplit(LLAMA3_SPLIT))).toBe('llama-bpe');
    const gpt2 = byteLevelTokenizerJson();
    gpt2.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
    expect(detectPreTokenizer(gpt2)).toBe('gpt-2');
    gpt2.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
    expect(detectPreTokenizer(gpt2)).toBeUndefined();
    expect(detectPreTokenizer(withSplit(LLAMA3_SPLIT.replace('{1,3}', '{1,2}')))).toBeUndefined();
  });
});
