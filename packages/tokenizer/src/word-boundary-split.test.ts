import { readFileSync } from 'node:fs';

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';

import { DATA_DIR, familyDir, loadFamily } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';
import type { TokenizerJson } from './tokenizer-json.js';
import { canSplitAtWordBoundaries, withWordBoundarySplit } from './word-boundary-split.js';

let mistral: Tokenizer;
let qwen3Json: TokenizerJson;
let plain: HfTokenizer;
beforeAll(async () => {
  mistral = await loadFamily('mistral');
  qwen3Json = JSON.parse(readFileSync(`${familyDir('qwen3')}/tokenizer.json`, 'utf8')) as TokenizerJson;
  // The library on the file as it is: no pre-tokenizer, the whole input is one BPE word.
  plain = new HfTokenizer(mistral.tokenizerJson, mistral.tokenizerConfig);
}, 120_000);

const SHARED_TEXT = ['en_article_tail500.txt', 'fever.txt', 'tianlongbabu.txt'].map((f) =>
  readFileSync(`${DATA_DIR}/pretrain/${f}`, 'utf8').slice(0, 30_000),
);

describe('word-boundary split for SentencePiece-style BPE', () => {
  it('applies to Mistral/Llama-2 files and not to byte-level ones', () => {
    expect(canSplitAtWordBoundaries(mistral.tokenizerJson)).toBe(true);
    expect(canSplitAtWordBoundaries(qwen3Json)).toBe(false);
    expect(withWordBoundarySplit(qwen3Json)).toBe(qwen3Json);
  });

  it('is refused when one vocabulary token spans a boundary', () => {
    const json = structuredClone(mistral.tokenizerJson);
    (json.model.vocab as Record<string, number>)['a\u2581b'] = 99999;
    expect(canSplitAtWordBoundaries(json)).toBe(false);
  });

  it('gives the same ids as the unsplit file on the shared text, per line and whole', () => {
    const texts = [...SHARED_TEXT];
    texts.push('  spaced   out  words\t\tand   ▁ metaspaces ▁▁ in ▁text ');
    for (const text of texts) {
      expect(mistral.encode(text)).toEqual(plain.encode(text).ids);
      for (const line of text.split('\n').slice(0, 200)) {
        expect(mistral.encode(line), line).toEqual(plain.encode(line).ids);
      }
    }
  });
});
