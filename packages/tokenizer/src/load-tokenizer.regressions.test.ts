// Bugs the fuzzing of tokenizer loading found (load-tokenizer.fuzz.ts), one case each.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerFiles } from './tokenizer.js';

// A byte-level BPE over three characters, with one special token.
const files = (): TokenizerFiles => ({
  tokenizerJson: {
    added_tokens: [{ id: 3, content: '<eos>', special: true }],
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab: { a: 0, b: 1, Ġ: 2 }, merges: [] },
  } as unknown as TokenizerFiles['tokenizerJson'],
  tokenizerConfig: { eos_token: '<eos>' },
  source: '/tok',
});
const load = (edit: (f: TokenizerFiles & Record<string, unknown>) => void) => () => {
  const f = files() as TokenizerFiles & Record<string, unknown>;
  edit(f);
  return Tokenizer.fromFiles(f);
};
const deep = JSON.parse(`{"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`) as unknown;

describe('tokenizer loading regressions', () => {
  it('loads the base files', () => {
    expect(load(() => undefined)().encode('ab')).toEqual([0, 1]);
  });

  it('refuses additional_special_tokens that is not a list (it crashed with "map is not a function")', () => {
    const bad = load((f) => (f.tokenizerConfig!.additional_special_tokens = '<eos>' as never));
    expect(bad).toThrow(TokenizerError);
    expect(bad).toThrow(
      '/tok/tokenizer_config.json: additional_special_tokens: is string "<eos>"; expected a list',
    );
  });

  it('checks the chat_template entries and the settings the tokenizer reads', () => {
    expect(load((f) => (f.tokenizerConfig!.chat_template = [null] as never))).toThrow(
      'tokenizer_config.json: chat_template[0]: is null',
    );
    expect(load((f) => (f.tokenizerConfig!.padding_side = 'middle' as never))).toThrow('padding_side');
    expect(load((f) => (f.tokenizerConfig!.model_max_length = '512' as never))).toThrow('model_max_length');
    expect(load((f) => (f.tokenizerConfig!.clean_up_tokenization_spaces = 1 as never))).toThrow(
      'clean_up_tokenization_spaces',
    );
  });

  it('checks special_tokens_map.json like tokenizer_config.json', () => {
    expect(load((f) => (f.specialTokensMap = { eos_token: 5 } as never))).toThrow(
      '/tok/special_tokens_map.json: eos_token: is number 5',
    );
  });

  it('names the part @huggingface/tokenizers cannot build instead of letting its error escape', () => {
    const bad = load(
      (f) => ((f.tokenizerJson as unknown as Record<string, unknown>).normalizer = { type: 'Nope' }),
    );
    expect(bad).toThrow(TokenizerError);
    expect(bad).toThrow(
      /^\/tok\/tokenizer.json: normalizer: @huggingface\/tokenizers cannot build this part/,
    );
  });

  it('runs every part once at load, so one that builds but fails on use is named there', () => {
    // A Prepend normalizer builds whatever `prepend` is; the deep array overflowed the stack on encode.
    const deepPrepend = {
      type: 'Prepend',
      prepend: JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    };
    const bad = load(
      (f) => ((f.tokenizerJson as unknown as Record<string, unknown>).normalizer = deepPrepend),
    );
    expect(bad).toThrow(
      /^\/tok\/tokenizer.json: normalizer: @huggingface\/tokenizers cannot build this part/,
    );
  });

  it('refuses to encode a token the vocabulary lacks when there is no unk_token (it gave undefined ids)', () => {
    // A WordPiece model without an unk_token: the library gave `undefined` for the words it lacks.
    const tok = load((f) => (f.tokenizerJson.model.type = 'WordPiece'))();
    expect(() => tok.encode('ab 世')).toThrow(
      /^\/tok\/tokenizer.json: model.unk_token: token \d+ of the text is not in the vocabulary and has no id/,
    );
  });

  it('refuses token ids of 2^31 and above (they gave ids outside the vocabulary)', () => {
    const vocab = load(
      (f) => ((f.tokenizerJson.model as { vocab: Record<string, number> }).vocab.a = 2 ** 53 - 1),
    );
    expect(vocab).toThrow(
      'model.vocab["a"]: is number 9007199254740991; expected a non-negative integer id below 2^31',
    );
    expect(load((f) => (f.tokenizerJson.added_tokens[0]!.id = 2 ** 31))).toThrow('added_tokens[0].id');
  });

  it('describes a deeply nested value instead of overflowing the stack', () => {
    expect(load((f) => (f.tokenizerConfig!.eos_token = deep as never))).toThrow(
      /eos_token: is object \{"a":\[+/,
    );
  });
});
