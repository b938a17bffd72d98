import { describe, expect, it } from 'vitest';
import { checkRowsLike } from './host-rows.js';

describe('checkRowsLike', () => {
  it('accepts rows of the same shape, typed or not', () => {
    expect(() =>
      checkRowsLike('op', 'mask', [[1, 0], new Float64Array(3)], 'values', [
        [2, 3],
        [4, 5, 6],
      ]),
    ).not.toThrow();
  });

  it('names the rows and the row that differ', () => {
    expect(() => checkRowsLike('op', 'mask', [[1]], 'values', [[1], [2]])).toThrow(
      'op: mask has 1 rows, values has 2',
    );
    expect(() => checkRowsLike('op', 'mask', [[1], [1]], 'values', [[1], [2, 3]])).toThrow(
      'op: row 1 of mask has 1 entries, of values 2',
    );
  });
});
