import { existsSync, readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { toByteLevel } from './byte-level-alphabet.js';
import { BpeMergeTable, mergePair } from './bpe-merge-table.js';
import { mergeTokenizers } from './merge-tokenizers.js';
import { readVocabWords } from './read-vocab-words.js';
import { DATA_DIR, familyDir } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';
import { buildTrainedFixtures, type TrainedFixtures } from './trained-fixtures.js';

// Ids for the files buildTrainedFixtures writes (scripts/write-trained-fixtures.mjs), from Hugging
// Face's Rust tokenizers: through Python (scripts/encode_trained_fixtures.py, made by the lead on a
// machine with Python) and through its Node binding (scripts/encode-trained-fixtures-rust.mjs).
const REFERENCE_FIXTURES = ['py-trained-encodings.json', 'rust-trained-encodings.json'].map(
  (name) => new URL(`./fixtures/${name}`, import.meta.url),
);

let fx: TrainedFixtures;
let words: string[];
beforeAll(async () => {
  fx = await buildTrainedFixtures({
    dataDir: DATA_DIR,
    sentencePieceBaseDir: familyDir('mistral'),
    byteLevelBaseDir: familyDir('qwen3'),
  });
  words = await readVocabWords(`${DATA_DIR}/vocab/baichuan_vocab.txt`);
}, 120_000);

const CASES = [
  ['merged', 'sentencepiece'],
  ['merged_byte_level', 'byte_level'],
] as const;

function vocabOf(tok: Tokenizer): Record<string, number> {
  return tok.tokenizerJson.model.vocab as Record<string, number>;
}

describe.each(CASES)('%s (base: %s)', (name, baseKey) => {
  it('keeps every id of the base and numbers the new tokens after it', () => {
    const base = fx.bases[baseKey];
    const merged = fx.tokenizers[name]!;
    const mergedVocab = vocabOf(merged);
    for (const [token, id] of Object.entries(vocabOf(base))) expect(mergedVocab[token], token).toBe(id);
    expect(merged.tokenizerJson.added_tokens).toEqual(base.tokenizerJson.added_tokens);
    // Also in model.vocab: tokenizers (Rust) would renumber added tokens missing from it.
    for (const t of base.tokenizerJson.added_tokens) expect(mergedVocab[t.content], t.content).toBe(t.id);
    expect(merged.specialTokens).toEqual(base.specialTokens);
    expect(merged.chatTemplate).toBe(base.chatTemplate);
    const newIds = Object.values(mergedVocab)
      .filter((id) => id >= base.vocabSize)
      .sort((a, b) => a - b);
    expect(newIds.length).toBeGreaterThan(1000);
    expect(newIds).toEqual(newIds.map((_, i) => base.vocabSize + i));
    expect(merged.vocabSize).toBe(base.vocabSize + newIds.length);
  });

  it("keeps the base's merges first, in order", () => {
    const base = fx.bases[baseKey].tokenizerJson.model.merges as unknown[];
    const merged = fx.tokenizers[name]!.tokenizerJson.model.merges as unknown[];
    expect(merged.slice(0, base.length)).toEqual(base);
  });

  it('encodes the medical text in fewer tokens, and decodes it back unchanged', () => {
    const base = fx.bases[baseKey];
    const merged = fx.tokenizers[name]!;
    const text = fx.texts.slice(0, 23).join('\n');
    expect(merged.encode(text).length).toBeLessThan(base.encode(text).length * 0.9);
    // Texts with special-token strings are left out: Llama-style files prepend a metaspace after each.
    for (const t of fx.texts.filter((t) => !t.includes('<'))) {
      expect(merged.decode(merged.encode(t), { skipSpecialTokens: true }), t).toBe(t);
    }
  });
});

describe('words become single tokens', () => {
  it('byte-level: every Baichuan word encodes to exactly one id with the real encoder', () => {
    const merged = fx.tokenizers.merged_byte_level!;
    for (const word of words) {
      expect(merged.encode(word, { addSpecialTokens: false }), word).toEqual([
        merged.tokenToId(toByteLevel(word)),
      ]);
    }
  });

  it('SentencePiece-style: every Baichuan word is one BPE piece under the merged merges', () => {
    // BpeMergeTable applies merges as the real encoder does (bpe-merge-table.test.ts checks it).
    const merged = fx.tokenizers.merged!;
    const table = new BpeMergeTable((merged.tokenizerJson.model.merges as string[]).map(mergePair));
    const vocab = vocabOf(merged);
    for (const word of words) {
      const pieces = table.apply([...word]);
      expect(pieces, word).toEqual([word]);
      expect(vocab[word], word).toBeDefined();
    }
    // In running text the real encoder uses them.
    const ids = merged.encode(fx.texts[3]!, { addSpecialTokens: false });
    const multiChar = ids.filter(
      (id) => id >= fx.bases.sentencepiece.vocabSize && merged.idToToken(id)!.length > 1,
    );
    expect(multiChar.length).toBeGreaterThan(ids.length / 4);
  });
});

describe('mergeTokenizers options and errors', () => {
  it('stops at maxNewTokens', () => {
    const base = fx.bases.sentencepiece;
    const { tokenizer, stats } = mergeTokenizers(base, { words: words.slice(0, 2000), maxNewTokens: 300 });
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(base.vocabSize + 300);
    expect(tokenizer.vocabSize).toBeGreaterThan(base.vocabSize + 250);
    expect(stats.wordsSkipped).toBeGreaterThan(0);
  });

  it('refuses a domain tokenizer of the other family', () => {
    expect(() => mergeTokenizers(fx.bases.byte_level, { domain: fx.tokenizers.trained! })).toThrow(
      /domain: the domain tokenizer is sentencepiece BPE but the base is byte_level; expected a domain tokenizer trained with modelType 'byte_level'/,
    );
  });
});

interface ReferenceEntry {
  texts: string[];
  ids: number[][];
  ids_special?: number[][];
}

describe.each(REFERENCE_FIXTURES)('trained and merged tokenizers match Rust tokenizers: %s', (url) => {
  const present = existsSync(url);
  const reference = present ? (JSON.parse(readFileSync(url, 'utf8')) as Record<string, ReferenceEntry>) : {};

  it.skipIf(!present)('covers the four tokenizers and the same texts', () => {
    expect(Object.keys(reference).sort()).toEqual(Object.keys(fx.tokenizers).sort());
    for (const entry of Object.values(reference)) expect(entry.texts).toEqual(fx.texts);
  });

  it.skipIf(!present)('gives the same ids for every text, with and without special tokens', () => {
    for (const [name, entry] of Object.entries(reference)) {
      const tok = fx.tokenizers[name]!;
      entry.texts.forEach((text, i) => {
        expect(tok.encode(text, { addSpecialTokens: false }), `${name}: ${text}`).toEqual(entry.ids[i]);
        if (entry.ids_special) expect(tok.encode(text), `${name}: ${text}`).toEqual(entry.ids_special[i]);
      });
    }
  });
});
