import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';

import { cleanUpTokenization, stableCleanupPrefix } from './clean-up-tokenization.js';

describe("transformers' clean_up_tokenization", () => {
  it("equals @huggingface/tokenizers' clean-up (a port of transformers') on text with every pattern", () => {
    // A character-level tokenizer: decode(ids) is the text itself, plus the library's clean-up.
    const text =
      "I do n't know , he said . It 's ' ok ' ! Are you sure ? we 're done , I 'm sure I 've   seen .";
    const chars = [...new Set(text)];
    const json = {
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: { type: 'Fuse' },
      model: { type: 'BPE', vocab: Object.fromEntries(chars.map((c, i) => [c, i])), merges: [] },
    };
    const lib = new HfTokenizer(json, { clean_up_tokenization_spaces: true });
    const expected = lib.decode([...text].map((c) => chars.indexOf(c)));
    expect(expected).not.toBe(text);
    expect(cleanUpTokenization(text)).toBe(expected);
  });

  it('is final up to the stable prefix whatever text follows (random strings)', () => {
    const alphabet = [' ', '.', "'", 'n', 't', 's', 'm', 'v', 'e', 'r', ',', '?', '!', 'a', 'x', '中'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const randomText = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const head = randomText(1 + Math.floor(random() * 12));
      const tail = randomText(Math.floor(random() * 12));
      const cut = stableCleanupPrefix(head);
      const pieces = cleanUpTokenization(head.slice(0, cut)) + cleanUpTokenization(head.slice(cut) + tail);
      expect(pieces, JSON.stringify([head, tail])).toBe(cleanUpTokenization(head + tail));
    }
  });
});
