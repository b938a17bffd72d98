import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { detectBpeModelType } from './detect-bpe-model-type.js';
import { FAMILIES, familyDir } from './test-tokenizers.js';
import type { TokenizerJson } from './tokenizer-json.js';

function json(family: (typeof FAMILIES)[number]): TokenizerJson {
  return JSON.parse(readFileSync(`${familyDir(family)}/tokenizer.json`, 'utf8')) as TokenizerJson;
}

describe('detectBpeModelType', () => {
  it('tells byte-level files from SentencePiece-style ones', () => {
    expect(detectBpeModelType(json('qwen3'))).toBe('byte_level');
    expect(detectBpeModelType(json('llama3'))).toBe('byte_level');
    expect(detectBpeModelType(json('mistral'))).toBe('sentencepiece');
  });

  it('refuses other models', () => {
    const unigram = { ...json('mistral'), model: { type: 'Unigram', vocab: [] } };
    expect(() => detectBpeModelType(unigram, '/m')).toThrow(
      /\/m\/tokenizer\.json: model\.type: model\.type is "Unigram"/,
    );
  });
});
