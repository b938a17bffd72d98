import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { StreamingDetokenizer, type StreamingDetokenizerOptions } from './streaming-detokenizer.js';
import { DATA_DIR, FAMILIES, loadFamily, type Family } from './test-tokenizers.js';
import { Tokenizer } from './tokenizer.js';

const FEVER = readFileSync(`${DATA_DIR}/pretrain/fever.txt`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const TEXTS = [
  ...FEVER.slice(1, 30),
  '发烧39度需要吃什么药？建议多喝水，必要时服用布洛芬。😀👍🏽 🇨🇳 家庭👨‍👩‍👧‍👦',
  'emoji 😀👍🏽 and 🇨🇳 flags, 𠀀𪚥 (astral CJK), café naïve',
  '<|im_start|>user\n头痛怎么办？<|im_end|>\n<|im_start|>assistant\n多休息。<|im_end|>',
  '  leading spaces and\ttabs\n\nnew lines   ',
];

const tokenizers = {} as Record<Family, Tokenizer>;
beforeAll(async () => {
  for (const family of FAMILIES) tokenizers[family] = await loadFamily(family);
}, 120_000);

/** Streams `ids` one at a time; returns every delta, the flush last. */
function stream(tok: Tokenizer, ids: number[], options: StreamingDetokenizerOptions = {}): string[] {
  const detok = new StreamingDetokenizer(tok, options);
  return [...ids.map((id) => detok.push(id)), detok.flush()];
}

describe.each(FAMILIES)('%s streaming', (family) => {
  it('splits characters across tokens in this text, so the test exercises byte tokens', () => {
    const tok = tokenizers[family];
    const ids = TEXTS.flatMap((t) => tok.encode(t));
    const partial = ids.filter((id) => tok.decode([id]).includes('\uFFFD'));
    expect(partial.length).toBeGreaterThan(10);
  });

  it.each([false, true])(
    'never emits U+FFFD and concatenates to decode(ids) (skipSpecialTokens %s)',
    (skip) => {
      const tok = tokenizers[family];
      for (const text of TEXTS) {
        const ids = tok.encode(text);
        const deltas = stream(tok, ids, { skipSpecialTokens: skip });
        for (const d of deltas) expect(d, text).not.toContain('\uFFFD');
        expect(deltas.join(''), text).toBe(tok.decode(ids, { skipSpecialTokens: skip }));
        // Only clean-up (Llama-3) may hold complete text back until flush.
        if (!tok.cleanUpTokenizationSpaces) expect(deltas.at(-1), 'nothing left for flush').toBe('');
      }
    },
  );

  it('concatenates to decode(ids) for random id sequences (invalid UTF-8 and special tokens included)', () => {
    const tok = tokenizers[family];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const special = tok.tokenizerJson.added_tokens.map((t) => t.id);
    for (let n = 0; n < 150; n++) {
      const ids = Array.from({ length: 1 + Math.floor(random() * 24) }, () =>
        random() < 0.1
          ? special[Math.floor(random() * special.length)]!
          : Math.floor(random() * tok.vocabSize),
      );
      for (const skip of [false, true]) {
        expect(stream(tok, ids, { skipSpecialTokens: skip }).join(''), `[${ids}]`).toBe(
          tok.decode(ids, { skipSpecialTokens: skip }),
        );
      }
    }
  });
});

describe('streaming rules', () => {
  it("keeps SentencePiece's leading-space rule: no space before the first word, one before the next", () => {
    const tok = tokenizers.mistral;
    const ids = tok.encode('Hello world', { addSpecialTokens: false });
    expect(stream(tok, ids)).toEqual(['Hello', ' world', '']);
    const withBos = tok.encode('Hello world');
    expect(stream(tok, withBos, { skipSpecialTokens: true })).toEqual(['', 'Hello', ' world', '']);
  });

  it('holds a split character back until its last byte arrives', () => {
    const tok = tokenizers.qwen3;
    // One code point that Qwen's vocabulary has no single token for.
    const char = ['😀', '🦠', '𪚥', '𠀀'].find((c) => tok.encode(c).length > 1)!;
    expect(char).toBeDefined();
    const ids = tok.encode(char);
    const deltas = stream(tok, ids);
    expect(deltas.slice(0, -2).every((d) => d === '')).toBe(true);
    expect(deltas.at(-2)).toBe(char);
  });

  it("applies transformers' clean-up exactly when the config asks for it (Llama-3)", () => {
    const tok = tokenizers.llama3;
    expect(tok.cleanUpTokenizationSpaces).toBe(true);
    const text = "I do n't know , he said . It 's fine ' ok ' ! Are you sure ? we 're done .";
    const ids = tok.encode(text);
    const decoded = tok.decode(ids, { skipSpecialTokens: true });
    expect(decoded).not.toBe(tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }));
    expect(stream(tok, ids, { skipSpecialTokens: true }).join('')).toBe(decoded);
  });

  it('emits text about as soon as it is complete', () => {
    const tok = tokenizers.qwen3;
    const ids = tok.encode(FEVER[1]!, { addSpecialTokens: false });
    const deltas = stream(tok, ids);
    const empty = deltas.slice(0, -1).filter((d) => d === '').length;
    // Only tokens that end inside a character wait; most Chinese tokens are whole characters.
    expect(empty / ids.length).toBeLessThan(0.2);
  });

  it('refuses a decoder whose output is not an extension of a shorter decode', () => {
    // A hand-made tokenizer whose decoder turns "ab" into "X": "a" then "ab" cannot be streamed.
    const tok = Tokenizer.fromFiles({
      tokenizerJson: {
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: {
          type: 'Sequence',
          decoders: [{ type: 'Fuse' }, { type: 'Replace', pattern: { String: 'ab' }, content: 'X' }],
        },
        model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] },
      },
    });
    expect(tok.decode([0, 1])).toBe('X');
    const detok = new StreamingDetokenizer(tok);
    expect(detok.push(0)).toBe('a');
    expect(() => detok.push(1)).toThrow(/decoder: .*cannot be streamed/);
  });
});
