import { readFileSync } from 'node:fs';

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';

import { useFastBpeRanks } from './fast-bpe-ranks.js';
import { DATA_DIR, loadFamily } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';

let qwen3: Tokenizer;
let plainQwen3: HfTokenizer;
beforeAll(async () => {
  qwen3 = await loadFamily('qwen3');
  // The library on the same file, without the patch.
  plainQwen3 = new HfTokenizer(qwen3.tokenizerJson, qwen3.tokenizerConfig);
}, 120_000);

const SHARED_TEXT = ['en_article_tail500.txt', 'fever.txt', 'tianlongbabu.txt'].map((f) =>
  readFileSync(`${DATA_DIR}/pretrain/${f}`, 'utf8').slice(0, 30_000),
);

describe('useFastBpeRanks', () => {
  it('gives the ids of the unpatched library (Qwen3, shared text per line)', () => {
    let tokens = 0;
    for (const text of SHARED_TEXT) {
      for (const line of text.split('\n')) {
        const ids = qwen3.encode(line, { addSpecialTokens: false });
        expect(ids, line).toEqual(plainQwen3.encode(line, { add_special_tokens: false }).ids);
        tokens += ids.length;
      }
    }
    expect(tokens).toBeGreaterThan(20_000);
  });

  it('leaves models without BPE merges alone', () => {
    const wordLevel = new HfTokenizer(
      {
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
        model: { type: 'WordPiece', vocab: { a: 0, '[UNK]': 1 }, unk_token: '[UNK]' },
      },
      {},
    );
    expect(useFastBpeRanks(wordLevel)).toBe(false);
  });
});
