import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { padBatch } from './pad-batch.js';
import { applySpecialTokenFallbacks } from './special-token-fallbacks.js';
import { FAMILIES, loadFamily, type Family } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';

interface GoldenBatch {
  texts: string[];
  max_length: number;
  padding_side: 'left' | 'right';
  truncation_side: 'left' | 'right';
  pad_token: string;
  pad_from: 'pad_token' | 'unk_token' | 'eos_token';
  input_ids: number[][];
  attention_mask: number[][];
}

// transformers AutoTokenizer: tok(texts, max_length=16, truncation=True, padding="max_length").
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/py-encodings.json', import.meta.url), 'utf8'),
) as Record<Family, { batch?: GoldenBatch; cases?: { text: string; ids_special: number[] }[] }>;

const tokenizers = {} as Record<Family, Tokenizer>;
beforeAll(async () => {
  for (const family of FAMILIES) tokenizers[family] = await loadFamily(family);
}, 120_000);

describe.each(FAMILIES)('%s batch encoding matches transformers', (family) => {
  const batch = golden[family].batch;

  it('truncates and pads to max_length with the same ids and masks', () => {
    expect(batch, 'transformers batch fixture').toBeDefined();
    const b = batch!;
    // MedicalGPT's fallback picks the pad token transformers was given (pad, else unk, else eos).
    const tok = applySpecialTokenFallbacks(tokenizers[family]).tokenizer;
    expect(tok.padToken).toBe(b.pad_token);
    const options = { maxLength: b.max_length, truncation: true, padding: 'max_length' as const };
    const enc = tok.encodeBatch(b.texts, {
      ...options,
      paddingSide: b.padding_side,
      truncationSide: b.truncation_side,
    });
    expect(enc.attentionMask).toEqual(b.attention_mask);
    b.texts.forEach((text, row) => {
      if (family === 'mistral' && /^\s/.test(text)) {
        // transformers 5 rebuilds Llama/Mistral pipelines (Metaspace, prepend_scheme "first"), so a
        // text that starts with a space gets one metaspace fewer than tokenizer.json says. We follow
        // tokenizer.json, as Python `tokenizers` and transformers 4.x do: check that the difference
        // is only that, and that we match `tokenizers` ids truncated and padded the same way.
        const pyIds = golden[family].cases!.find((c) => c.text === text)!.ids_special;
        expect(enc.inputIds[row]).not.toEqual(b.input_ids[row]);
        const unpadded = (r: number[]) => r.filter((_, i) => b.attention_mask[row]![i] === 1);
        expect(unpadded(enc.inputIds[row]!)).toEqual(pyIds.slice(0, b.max_length));
      } else {
        expect(enc.inputIds[row], JSON.stringify(text)).toEqual(b.input_ids[row]);
      }
    });
  });
});

describe('truncation', () => {
  const texts = ['发烧39度需要吃什么药？建议多喝水，必要时服用布洛芬。', 'Hello world!'];

  it('keeps the special tokens and cuts the text to fit max_length, from either side', () => {
    const tok = tokenizers.mistral; // adds <s> in front
    const plain = tok.encode(texts[0]!, { addSpecialTokens: false });
    const right = tok.encodeBatch(texts, { maxLength: 8, truncation: true });
    expect(right.inputIds[0]).toEqual([tok.bosTokenId, ...plain.slice(0, 7)]);
    const left = tok.encodeBatch(texts, { maxLength: 8, truncation: true, truncationSide: 'left' });
    expect(left.inputIds[0]).toEqual([tok.bosTokenId, ...plain.slice(plain.length - 7)]);
    // Short rows are untouched and, without padding, keep their own length.
    expect(right.inputIds[1]).toEqual(tok.encode(texts[1]!));
  });

  it('does not truncate unless asked, as in transformers', () => {
    const tok = tokenizers.qwen3;
    const enc = tok.encodeBatch(texts, { maxLength: 4 });
    expect(enc.inputIds[0]).toEqual(tok.encode(texts[0]!));
  });

  it('refuses a max_length that cannot hold the special tokens', () => {
    expect(() => tokenizers.mistral.encodeBatch(texts, { maxLength: 0, truncation: true })).toThrow(
      /maxLength/,
    );
  });
});

describe('padding', () => {
  it('pads to the longest row on the right by default, with zero attention over pads', () => {
    const tok = tokenizers.qwen3;
    const texts = ['Hello world!', 'a'];
    const enc = tok.encodeBatch(texts, { padding: true });
    const long = tok.encode(texts[0]!);
    const short = tok.encode(texts[1]!);
    const pads = new Array(long.length - short.length).fill(tok.padTokenId);
    expect(enc.inputIds).toEqual([long, [...short, ...pads]]);
    expect(enc.attentionMask[1]).toEqual([...short.map(() => 1), ...pads.map(() => 0)]);
  });

  it('rounds the padded length up to a multiple', () => {
    const rows = [[1, 2, 3, 4, 5], [6]];
    const enc = padBatch(rows, { padding: 'longest', padToMultipleOf: 4, side: 'left', padTokenId: 0 });
    expect(enc.inputIds.map((r) => r.length)).toEqual([8, 8]);
    expect(enc.inputIds[0]!.slice(3)).toEqual(rows[0]);
    expect(enc.attentionMask[1]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('leaves rows longer than max_length as they are', () => {
    const enc = padBatch([[1, 2, 3], [4]], {
      padding: 'max_length',
      maxLength: 2,
      side: 'right',
      padTokenId: 9,
    });
    expect(enc.inputIds).toEqual([
      [1, 2, 3],
      [4, 9],
    ]);
  });

  it('explains a missing pad token', () => {
    const tok = tokenizers.llama3; // no pad token in its config
    expect(tok.padToken).toBeNull();
    expect(() => tok.encodeBatch(['a', 'a b c'], { padding: 'longest' })).toThrow(
      /pad_token: asked to pad, but the tokenizer has no pad token.*applySpecialTokenFallbacks/,
    );
    // Nothing to pad is fine without a pad token.
    expect(tok.encodeBatch(['a', 'b'], { padding: 'longest' }).inputIds).toHaveLength(2);
  });
});
