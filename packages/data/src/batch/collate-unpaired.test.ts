import { describe, expect, it } from 'vitest';
import { collateUnpaired, type UnpairedBatch } from './collate-unpaired.js';

const rows = (b: UnpairedBatch, a: Int32Array) =>
  Array.from({ length: b.batchSize }, (_, r) => Array.from(a.slice(r * b.seqLength, (r + 1) * b.seqLength)));

describe('collateUnpaired (TRL DataCollatorForUnpairedPreference)', () => {
  const examples = [
    { promptIds: [1, 2, 3], completionIds: [4, 5], label: true },
    { promptIds: [7, 8], completionIds: [9], label: false },
  ];

  it("reproduces TRL's docstring example: one right-padded row per example", () => {
    const b = collateUnpaired(examples, { padTokenId: 0 });
    expect([b.batchSize, b.seqLength]).toEqual([2, 5]);
    expect(rows(b, b.inputIds)).toEqual([
      [1, 2, 3, 4, 5],
      [7, 8, 9, 0, 0],
    ]);
    expect(rows(b, b.attentionMask)).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ]);
    expect(rows(b, b.completionMask)).toEqual([
      [0, 0, 0, 1, 1],
      [0, 0, 1, 0, 0],
    ]);
    expect(Array.from(b.label)).toEqual([1, 0]);
  });

  it("builds KTO's mismatched batch: row i gets row i-1's completion, row 0 the last one's", () => {
    const three = [...examples, { promptIds: [20], completionIds: [21, 22, 23], label: true }];
    const kl = collateUnpaired(three, { padTokenId: 0, shiftCompletions: true });
    expect(rows(kl, kl.inputIds)).toEqual([
      [1, 2, 3, 21, 22, 23],
      [7, 8, 4, 5, 0, 0],
      [20, 9, 0, 0, 0, 0],
    ]);
    expect(rows(kl, kl.completionMask)).toEqual([
      [0, 0, 0, 1, 1, 1],
      [0, 0, 1, 1, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ]);
    expect(Array.from(kl.label)).toEqual([1, 0, 1]); // each row keeps its prompt's label
    // TRL's docstring: with KL_completion_ids [6] and [10, 11] given explicitly.
    const trl = collateUnpaired(
      [
        { promptIds: [1, 2, 3], completionIds: [10, 11], label: true },
        { promptIds: [7, 8], completionIds: [6], label: false },
      ],
      { padTokenId: 0, shiftCompletions: true },
    );
    expect(rows(trl, trl.inputIds)).toEqual([
      [1, 2, 3, 6],
      [7, 8, 10, 11],
    ]);
    const single = collateUnpaired([examples[0]!], { padTokenId: 0, shiftCompletions: true });
    expect(Array.from(single.inputIds)).toEqual([1, 2, 3, 4, 5]);
  });

  it('truncates each row to max_length, keeping the start or the end, then pads', () => {
    const start = collateUnpaired(examples, { padTokenId: 0, maxLength: 4, padToMultipleOf: 8 });
    expect(start.seqLength).toBe(8);
    expect(rows(start, start.inputIds)).toEqual([
      [1, 2, 3, 4, 0, 0, 0, 0],
      [7, 8, 9, 0, 0, 0, 0, 0],
    ]);
    const end = collateUnpaired(examples, { padTokenId: 0, maxLength: 2, truncationMode: 'keep_end' });
    expect(rows(end, end.inputIds)).toEqual([
      [4, 5],
      [8, 9],
    ]);
    expect(rows(end, end.completionMask)).toEqual([
      [1, 1],
      [0, 1],
    ]);
    const klEnd = collateUnpaired(examples, {
      padTokenId: 0,
      maxLength: 3,
      truncationMode: 'keep_end',
      shiftCompletions: true,
    });
    expect(rows(klEnd, klEnd.inputIds)).toEqual([
      [2, 3, 9],
      [8, 4, 5],
    ]);
  });

  it('rejects an empty batch', () => {
    expect(() => collateUnpaired([], { padTokenId: 0 })).toThrow(/at least one example/);
  });
});
