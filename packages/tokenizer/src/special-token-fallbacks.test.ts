import { beforeAll, describe, expect, it } from 'vitest';

import { specialAddedToken } from './set-special-tokens.js';
import { applySpecialTokenFallbacks } from './special-token-fallbacks.js';
import { loadFamily } from './test-tokenizers.js';
import { Tokenizer } from './tokenizer.js';
import type { AddedTokenJson, TokenizerConfig } from './tokenizer-json.js';

/** A hand-made byte-free BPE tokenizer over the letters a-c, with the given added tokens and config. */
function tinyTokenizer(added: AddedTokenJson[], config: TokenizerConfig): Tokenizer {
  return Tokenizer.fromFiles({
    tokenizerJson: {
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: { type: 'Fuse' },
      model: { type: 'BPE', vocab: { a: 0, b: 1, c: 2, ab: 3 }, merges: [['a', 'b']] },
    },
    tokenizerConfig: config,
  });
}

let qwen3: Tokenizer;
beforeAll(async () => {
  qwen3 = await loadFamily('qwen3');
}, 120_000);

describe("MedicalGPT's special-token fallbacks", () => {
  it('with no eos: the template stop string becomes a new special token, then bos and pad follow it', () => {
    const tok = tinyTokenizer([], {});
    const { tokenizer, applied } = applySpecialTokenFallbacks(tok, { stopStr: '<|im_end|>' });
    expect(applied.map((a) => [a.role, a.content])).toEqual([
      ['eos', '<|im_end|>'],
      ['bos', '<|im_end|>'],
      ['pad', '<|im_end|>'],
    ]);
    expect(tokenizer.eosTokenId).toBe(tok.vocabSize);
    expect(tokenizer.vocabSize).toBe(tok.vocabSize + 1);
    expect(tokenizer.bosTokenId).toBe(tokenizer.eosTokenId);
    expect(tokenizer.padTokenId).toBe(tokenizer.eosTokenId);
    // The new token is special: matched whole inside text and skipped on decode.
    const ids = tokenizer.encode('ab<|im_end|>c');
    expect(ids).toEqual([3, tokenizer.eosTokenId, 2]);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('abc');
    // The original is unchanged.
    expect(tok.eosToken).toBeNull();
  });

  it("with no eos and no stop string: MedicalGPT's default </s>", () => {
    const { tokenizer } = applySpecialTokenFallbacks(tinyTokenizer([], {}));
    expect(tokenizer.eosToken).toBe('</s>');
  });

  it('pad prefers unk over eos', () => {
    const added = [specialAddedToken(4, '<unk>'), specialAddedToken(5, '</s>')];
    const tok = tinyTokenizer(added, { unk_token: '<unk>', eos_token: '</s>' });
    const { tokenizer, applied } = applySpecialTokenFallbacks(tok);
    expect(applied.map((a) => a.role)).toEqual(['bos', 'pad']);
    expect(tokenizer.padTokenId).toBe(4);
    expect(tokenizer.bosTokenId).toBe(5);
    expect(tokenizer.vocabSize).toBe(tok.vocabSize);
  });

  it('an existing vocabulary token given as stop string keeps its id', () => {
    const { tokenizer } = applySpecialTokenFallbacks(tinyTokenizer([], {}), { stopStr: 'c' });
    expect(tokenizer.eosTokenId).toBe(2);
    expect(tokenizer.isSpecialId(2)).toBe(true);
  });

  it('Qwen3: only bos is missing, and it becomes <|im_end|> without growing the vocabulary', () => {
    const { tokenizer, applied } = applySpecialTokenFallbacks(qwen3, { stopStr: '</s>' });
    expect(applied.map((a) => a.role)).toEqual(['bos']);
    expect(tokenizer.bosToken).toBe('<|im_end|>');
    expect(tokenizer.vocabSize).toBe(qwen3.vocabSize);
    expect(tokenizer.encode('你好')).toEqual(qwen3.encode('你好'));
  });

  it('a complete tokenizer comes back as it is', () => {
    const added = ['<s>', '</s>', '<unk>', '<pad>'].map((t, i) => specialAddedToken(4 + i, t));
    const tok = tinyTokenizer(added, {
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: '<pad>',
    });
    const result = applySpecialTokenFallbacks(tok, { stopStr: '<|im_end|>' });
    expect(result.tokenizer).toBe(tok);
    expect(result.applied).toEqual([]);
  });
});
