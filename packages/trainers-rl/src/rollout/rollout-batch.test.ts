import { describe, expect, it } from 'vitest';
import { rolloutBatch } from './rollout-batch.js';

describe('rolloutBatch', () => {
  it('right-pads prompt + completion, labels the completion and masks the positions that predict it', () => {
    const b = rolloutBatch(
      [
        { promptIds: [5, 6], completionIds: [7, 8, 2], counted: true },
        { promptIds: [9], completionIds: [4], counted: true },
        { promptIds: [1, 1, 1], completionIds: [3], counted: false },
      ],
      0,
    );
    expect([b.rows, b.length]).toEqual([3, 5]);
    expect(Array.from(b.ids)).toEqual([5, 6, 7, 8, 2, 9, 4, 0, 0, 0, 1, 1, 1, 3, 0]);
    expect(Array.from(b.attention)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0]);
    expect(Array.from(b.labels)).toEqual([
      -100, -100, 7, 8, 2, -100, 4, -100, -100, -100, -100, -100, -100, 3, -100,
    ]);
    // Row 0: positions 1, 2, 3 predict 7, 8, 2; row 1: position 0 predicts 4; row 2 is not counted.
    expect(Array.from(b.mask)).toEqual([0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(b.maskSum).toBe(4);
    expect(b.tokens).toBe(5 + 2 + 4);
  });
});
