import { describe, expect, it } from 'vitest';
import { lastNonPadIndex } from './last-non-pad-index.js';

// transformers' rule, as written in GenericForSequenceClassification: (arange(T) * (ids != pad)).argmax(-1).
function transformersRule(rows: number[][], pad: number): number[] {
  return rows.map((row) => {
    const masked = row.map((id, t) => (id !== pad ? t : 0));
    return masked.indexOf(Math.max(...masked));
  });
}

describe('lastNonPadIndex', () => {
  it('finds the rightmost non-pad token with right and left padding', () => {
    const rows = [
      [5, 6, 7, 0, 0],
      [0, 0, 3, 4, 5],
      [9, 9, 9, 9, 9],
    ];
    expect(lastNonPadIndex(rows, 0)).toEqual([2, 4, 4]);
    expect(lastNonPadIndex(rows, 0)).toEqual(transformersRule(rows, 0));
  });

  it('goes by token id, not the attention mask: with pad == eos a trailing eos is passed over', () => {
    const eos = 2;
    // Row 0 ends with a real eos (mask 1) then padding with the same id; row 1 has an eos inside.
    const rows = [
      [5, 6, eos, eos, eos],
      [5, eos, 7, 8, eos],
    ];
    expect(lastNonPadIndex(rows, eos)).toEqual([1, 3]);
    expect(lastNonPadIndex(rows, eos)).toEqual(transformersRule(rows, eos));
  });

  it('gives 0 for an all-pad row and for a row whose only real token is the first', () => {
    const rows = [
      [0, 0, 0],
      [4, 0, 0],
      [0, 0, 4],
    ];
    expect(lastNonPadIndex(rows, 0)).toEqual([0, 0, 2]);
    expect(lastNonPadIndex(rows, 0)).toEqual(transformersRule(rows, 0));
  });

  it('takes typed arrays and ragged rows (each row on its own)', () => {
    expect(lastNonPadIndex([Int32Array.from([1, 2, 0]), [3]], 0)).toEqual([1, 0]);
  });

  it('without a pad id: the last position, for one row only, as transformers', () => {
    expect(lastNonPadIndex([[0, 1, 0]], null)).toEqual([2]);
    expect(() => lastNonPadIndex([[1], [2]], null)).toThrow(
      /no pad token id, so a batch of 2 rows cannot be pooled.*setPadTokenId/,
    );
  });

  it('refuses an empty row', () => {
    expect(() => lastNonPadIndex([[1], []], 0)).toThrow(/every row needs a token/);
  });
});
