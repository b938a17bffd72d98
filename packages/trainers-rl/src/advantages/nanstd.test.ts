import { describe, expect, it } from 'vitest';
import { nanmean, nanstd } from './nanstd.js';

describe('nanmean', () => {
  it('averages the values that are not NaN', () => {
    expect(nanmean([1, NaN, 4])).toBe(2.5);
    expect(nanmean(new Float64Array([-2, 6]))).toBe(2);
  });

  it('is NaN when nothing is left', () => {
    expect(nanmean([NaN, NaN])).toBeNaN();
    expect(nanmean([])).toBeNaN();
  });
});

describe('nanstd', () => {
  it("ignores NaN (TRL's test: [1, 2, 3, NaN] -> 1)", () => {
    expect(nanstd([1, 2, 3, NaN])).toBeCloseTo(1, 12);
  });

  it('divides by n - 1', () => {
    // Squared deviations from the mean 5 sum to 32; 32 / 7 is the sample variance.
    expect(nanstd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(nanstd([NaN, 3, 3, NaN])).toBe(0);
  });

  it('is NaN below two values', () => {
    expect(nanstd([5])).toBeNaN();
    expect(nanstd([NaN, 5])).toBeNaN();
    expect(nanstd([NaN, NaN])).toBeNaN();
    expect(nanstd([])).toBeNaN();
  });
});
