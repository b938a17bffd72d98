import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { BpeMergeTable, mergePair } from './bpe-merge-table.js';
import { DATA_DIR, loadFamily } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';

let mistral: Tokenizer;
beforeAll(async () => {
  mistral = await loadFamily('mistral');
}, 120_000);

describe('BpeMergeTable', () => {
  it('applies merges exactly as @huggingface/tokenizers does (Mistral, shared text)', () => {
    const model = mistral.tokenizerJson.model;
    const table = new BpeMergeTable((model.merges as string[]).map(mergePair));
    const vocab = model.vocab as Record<string, number>;
    const lines = ['en_article_tail500.txt', 'fever.txt'].flatMap((f) =>
      readFileSync(`${DATA_DIR}/pretrain/${f}`, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .slice(0, 60),
    );
    let compared = 0;
    for (const line of lines) {
      // Mistral's normalizer: prepend a metaspace, spaces become metaspaces; no pre-tokenizer.
      const pieces = table.apply([...`\u2581${line.replaceAll(' ', '\u2581')}`]);
      const expected = mistral.tokenize(line);
      // Pieces missing from the vocabulary fall back to bytes in the real encoder; compare the rest.
      if (pieces.every((p) => p in vocab)) {
        expect(pieces, line).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('grows: an appended merge has the lowest priority and duplicates are ignored', () => {
    const table = new BpeMergeTable([
      ['b', 'c'],
      ['a', 'b'],
    ]);
    expect(table.apply(['a', 'b', 'c'])).toEqual(['a', 'bc']);
    table.add('a', 'bc');
    table.add('b', 'c');
    expect(table.size).toBe(3);
    expect(table.apply(['a', 'b', 'c'])).toEqual(['abc']);
    expect(table.apply(['a', 'b', 'a', 'b'])).toEqual(['ab', 'ab']);
  });

  it('reads both merge forms', () => {
    expect(mergePair('▁ t')).toEqual(['▁', 't']);
    expect(mergePair(['Ġ', 'Ġ'])).toEqual(['Ġ', 'Ġ']);
  });
});
