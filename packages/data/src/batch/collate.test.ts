import { describe, expect, it } from 'vitest';
import { collatePreference } from './collate-preference.js';
import { collateSft } from './collate-sft.js';

const rows = [
  { inputIds: [1, 2, 3], labels: [-100, 2, 3] },
  { inputIds: [4, 5], labels: [-100, 5] },
];

describe('collateSft', () => {
  it('pads right: pad id, -100 labels, 0 mask, positions counting real tokens', () => {
    const b = collateSft(rows, { padTokenId: 0 });
    expect([b.batchSize, b.seqLength]).toEqual([2, 3]);
    expect(Array.from(b.inputIds)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(Array.from(b.labels)).toEqual([-100, 2, 3, -100, 5, -100]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(Array.from(b.positionIds)).toEqual([0, 1, 2, 0, 1, 0]);
  });

  it('pads left and to a multiple (MedicalGPT pads SFT to a multiple of 4)', () => {
    const b = collateSft(rows, { padTokenId: 9, paddingSide: 'left', padToMultipleOf: 4 });
    expect(b.seqLength).toBe(4);
    expect(Array.from(b.inputIds)).toEqual([9, 1, 2, 3, 9, 9, 4, 5]);
    expect(Array.from(b.positionIds)).toEqual([0, 0, 1, 2, 0, 0, 0, 1]);
    expect(Array.from(b.attentionMask)).toEqual([0, 1, 1, 1, 0, 0, 1, 1]);
  });

  it("keeps a row's own padding: masked keys, its labels, positions running through it", () => {
    const own = { inputIds: [4, 5, 0, 0], labels: [4, 5, 0, 0], attentionMask: [1, 1, 0, 0] };
    const b = collateSft([own, rows[1]!], { padTokenId: 0 });
    expect(b.seqLength).toBe(4);
    expect(Array.from(b.labels)).toEqual([4, 5, 0, 0, -100, 5, -100, -100]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(b.positionIds)).toEqual([0, 1, 2, 3, 0, 1, 0, 0]);
    expect(() => collateSft([{ ...own, attentionMask: [1] }], { padTokenId: 0 })).toThrow(
      /row 0 has 4 input ids but 1 mask values/,
    );
  });

  it('rejects rows whose labels do not match their ids', () => {
    expect(() => collateSft([{ inputIds: [1, 2], labels: [1] }], { padTokenId: 0 })).toThrow(
      /row 0 has 2 input ids but 1 labels/,
    );
  });
});

describe('collatePreference (TRL 0.29 DataCollatorForPreference)', () => {
  const examples = [
    { promptIds: [1, 2, 3], chosenIds: [4, 5], rejectedIds: [6] },
    { promptIds: [7, 8], chosenIds: [9], rejectedIds: [10, 11] },
  ];

  it('reproduces the docstring example of TRL', () => {
    const b = collatePreference(examples, { padTokenId: 0 });
    const rows = (a: Int32Array) =>
      Array.from({ length: b.batchSize }, (_, r) =>
        Array.from(a.slice(r * b.seqLength, (r + 1) * b.seqLength)),
      );
    expect(rows(b.inputIds)).toEqual([
      [1, 2, 3, 4, 5],
      [7, 8, 9, 0, 0],
      [1, 2, 3, 6, 0],
      [7, 8, 10, 11, 0],
    ]);
    expect(rows(b.attentionMask)).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 0],
      [1, 1, 1, 1, 0],
    ]);
    expect(rows(b.completionMask)).toEqual([
      [0, 0, 0, 1, 1],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 1, 1, 0],
    ]);
  });

  it('truncates prompt + answer to max_length, keeping the start or the end', () => {
    const start = collatePreference([examples[0]!], { padTokenId: 0, maxLength: 4 });
    expect(Array.from(start.inputIds)).toEqual([1, 2, 3, 4, 1, 2, 3, 6]);
    const end = collatePreference([examples[0]!], {
      padTokenId: 0,
      maxLength: 3,
      truncationMode: 'keep_end',
    });
    expect(Array.from(end.inputIds)).toEqual([3, 4, 5, 2, 3, 6]);
    expect(Array.from(end.completionMask)).toEqual([0, 1, 1, 0, 0, 1]);
  });
});
