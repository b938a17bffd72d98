import { describe, expect, it } from 'vitest';
import type { TextRecord } from '../formats/data-format.js';
import type { SourcedRecord } from '../record-issue.js';
import type { DataTokenizer } from './data-tokenizer.js';
import { groupTexts } from './group-texts.js';
import { ptBlocks } from './pt-blocks.js';
import { ptPaddedExample } from './pt-padded-example.js';

const EOS = 0;
/** One id per character (code point + 1), so ids never collide with EOS unless the text holds "\0". */
const chars: DataTokenizer = {
  eosTokenId: EOS,
  encode: (text) => Array.from(text, (c) => c.codePointAt(0)! + 1),
};

describe('groupTexts (pretraining.py group_text_function)', () => {
  it('appends EOS per document unless present, drops only the tail after the last full block', () => {
    const docs = [[5, 6, 7], [8, EOS], [], [9, 9, 9, 9, 9]];
    const stream = [5, 6, 7, EOS, 8, EOS, EOS, 9, 9, 9, 9, 9, EOS];
    const blocks = groupTexts(docs, { blockSize: 4, eosTokenId: EOS });
    expect(blocks).toEqual([stream.slice(0, 4), stream.slice(4, 8), stream.slice(8, 12)]);
  });

  it('keeps a total shorter than one block as one short block', () => {
    expect(groupTexts([[1, 2]], { blockSize: 8, eosTokenId: EOS })).toEqual([[1, 2, EOS]]);
  });

  it('rejects a bad block size', () => {
    expect(() => groupTexts([[1]], { blockSize: 0, eosTokenId: EOS })).toThrow(/block_size/);
  });
});

describe('ptBlocks', () => {
  const rows = (texts: string[]): SourcedRecord<TextRecord>[] =>
    texts.map((text, i) => ({ value: { text }, source: { file: 'f.txt', line: i + 1 } }));

  it('groups each map batch on its own, as datasets.map(batched=True) does', async () => {
    const texts = ['abc\n', 'de\n', 'fghij\n', 'k\n', 'lmnopq\n'];
    const blocks = [];
    for await (const block of ptBlocks(rows(texts), chars, { blockSize: 4, mapBatchSize: 2 }))
      blocks.push(Array.from(block.inputIds));
    const expected = [0, 2, 4].flatMap((start) =>
      groupTexts(
        texts.slice(start, start + 2).map((t) => chars.encode(t, { addSpecialTokens: true }) as number[]),
        { blockSize: 4, eosTokenId: EOS },
      ),
    );
    expect(blocks).toEqual(expected);
  });

  it('names the document each block starts in', async () => {
    const sources = [];
    for await (const block of ptBlocks(rows(['aaaaaa', 'bb', 'ccccccccc']), chars, { blockSize: 4 }))
      sources.push(block.source.line);
    // Stream: aaaaaa E bb E ccccccccc E (20 tokens): blocks start at 0, 4, 8, 12, 16.
    expect(sources).toEqual([1, 1, 2, 3, 3]);
  });

  it('caps block_size at model_max_length', async () => {
    const blocks = [];
    for await (const block of ptBlocks(rows(['abcdefgh']), chars, { blockSize: 1024, modelMaxLength: 3 }))
      blocks.push(block.inputIds.length);
    expect(blocks).toEqual([3, 3, 3]);
  });
});

describe('ptPaddedExample (--packing False)', () => {
  it("cuts or right-pads to block_size; padding is masked unless MedicalGPT's behaviour is asked for", () => {
    const short = ptPaddedExample('ab', chars, { blockSize: 4, padTokenId: 9 });
    expect(short).toEqual({
      inputIds: [98, 99, 9, 9],
      labels: [98, 99, -100, -100],
      attentionMask: [1, 1, 0, 0],
    });
    expect(
      ptPaddedExample('ab', chars, { blockSize: 4, padTokenId: 9, maskPadLabels: false }).labels,
    ).toEqual([98, 99, 9, 9]);
    expect(ptPaddedExample('abcdef', chars, { blockSize: 3, padTokenId: 9 }).inputIds).toEqual([98, 99, 100]);
  });
});
