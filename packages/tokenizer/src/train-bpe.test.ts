import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadTokenizer } from './load-tokenizer.js';
import { METASPACE } from './split-sentencepiece-words.js';
import { DATA_DIR } from './test-tokenizers.js';
import { trainBpe } from './train-bpe.js';
import { scriptClass } from './unicode-script.js';
import { canSplitAtWordBoundaries } from './word-boundary-split.js';

const FEVER = readFileSync(`${DATA_DIR}/pretrain/fever.txt`, 'utf8').split('\n');
const LINES = FEVER.slice(0, 400);
const EXTRA = [
  'emoji 😀👍🏽 and 🇨🇳, rare 𪚥 and ＡＢＣ１２３',
  '  two leading spaces',
  'mixed 阿司匹林100mg tablets',
];

const sp = trainBpe(LINES, { vocabSize: 3000 });
const bl = trainBpe(LINES, { modelType: 'byte_level', vocabSize: 1500 });

describe('trainBpe, SentencePiece-style (MedicalGPT build_domain_tokenizer)', () => {
  it('fills the vocabulary exactly: specials, 256 byte tokens, the alphabet, then merges', () => {
    const tok = sp.tokenizer;
    expect(tok.vocabSize).toBe(3000);
    expect(sp.stats.vocabSize).toBe(3000);
    expect(['<unk>', '<s>', '</s>', '<pad>', '<0x00>', '<0xFF>'].map((t) => tok.tokenToId(t))).toEqual([
      0, 1, 2, 3, 4, 259,
    ]);
    expect([tok.unkToken, tok.bosToken, tok.eosToken, tok.padToken]).toEqual([
      '<unk>',
      '<s>',
      '</s>',
      '<pad>',
    ]);
    const vocab = tok.tokenizerJson.model.vocab as Record<string, number>;
    expect(new Set(Object.values(vocab)).size).toBe(3000);
    expect(Math.max(...Object.values(vocab))).toBe(2999);
  });

  it('round-trips any text through NFKC (rare characters fall back to bytes)', () => {
    const tok = sp.tokenizer;
    for (const line of [...LINES, ...FEVER.slice(900, 950), ...EXTRA]) {
      const ids = tok.encode(line);
      expect(ids[0]).toBe(tok.bosTokenId);
      expect(tok.decode(ids, { skipSpecialTokens: true }), line).toBe(line.normalize('NFKC'));
    }
    expect(tok.tokenize('𪚥')).toEqual(['▁', '<0xF0>', '<0xAA>', '<0x9A>', '<0xA5>']);
  });

  it('keeps digits alone, scripts apart and tokens at most 16 characters', () => {
    const vocab = Object.entries(sp.tokenizer.tokenizerJson.model.vocab as Record<string, number>);
    const learned = vocab.filter(([, id]) => id >= 260).map(([token]) => token);
    for (const token of learned) {
      const chars = [...token].filter((c) => c !== METASPACE);
      expect([...token].length, token).toBeLessThanOrEqual(16);
      if (chars.some((c) => /\p{Nd}/u.test(c))) expect(chars, token).toHaveLength(1);
      const scripts = new Set(chars.map(scriptClass).filter((s) => s !== 'Inherited'));
      expect(scripts.size, token).toBeLessThanOrEqual(1);
    }
    expect(sp.stats.merges).toBeGreaterThan(500);
  });

  it('needs no pre-tokenizer, and qualifies for the fast word-boundary split', () => {
    expect(sp.tokenizer.tokenizerJson.pre_tokenizer).toBeNull();
    expect(canSplitAtWordBoundaries(sp.tokenizer.tokenizerJson)).toBe(true);
  });
});

describe('trainBpe, byte-level (Qwen2 layout)', () => {
  it('starts from the 256 byte symbols and round-trips any text through NFC', () => {
    const tok = bl.tokenizer;
    expect(tok.vocabSize).toBe(1500);
    expect(bl.stats.alphabetSize).toBe(256);
    expect(tok.eosToken).toBe('<|endoftext|>');
    for (const line of [...LINES, ...EXTRA]) {
      expect(tok.decode(tok.encode(line)), line).toBe(line.normalize('NFC'));
    }
  });

  it('compresses the training text better than the bytes it starts from', () => {
    const text = LINES.join('\n');
    expect(bl.tokenizer.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length / 2);
  });
});

describe('determinism', () => {
  it('gives identical files for the same lines, in any order', () => {
    const again = trainBpe(LINES, { vocabSize: 3000 });
    expect(JSON.stringify(again.tokenizer.tokenizerJson)).toBe(JSON.stringify(sp.tokenizer.tokenizerJson));
    const shuffled = [...LINES].sort();
    const reordered = trainBpe(shuffled, { modelType: 'byte_level', vocabSize: 1500 });
    expect(JSON.stringify(reordered.tokenizer.tokenizerJson)).toBe(
      JSON.stringify(bl.tokenizer.tokenizerJson),
    );
  });
});

describe('saved files', () => {
  it('load back with the same ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'medgpt-trained-'));
    try {
      await sp.tokenizer.save(dir);
      const back = await loadTokenizer(dir);
      const text = [...LINES.slice(0, 20), ...EXTRA].join('\n');
      expect(back.encode(text)).toEqual(sp.tokenizer.encode(text));
      expect(back.specialTokens).toEqual(sp.tokenizer.specialTokens);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('errors', () => {
  it('a vocabulary too small for the alphabet', () => {
    expect(() => trainBpe(LINES, { vocabSize: 1000 })).toThrow(
      /vocabSize: vocabSize 1000 is smaller than the \d+ required tokens \(4 special, 256 byte, \d+ alphabet\).*characterCoverage/,
    );
  });

  it('an unknown model type', () => {
    expect(() => trainBpe(LINES, { modelType: 'unigram' as 'byte_level' })).toThrow(
      /modelType: unknown modelType "unigram"; expected 'sentencepiece' or 'byte_level'/,
    );
  });
});
