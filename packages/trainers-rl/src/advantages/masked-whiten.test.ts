import { describe, expect, it } from 'vitest';
import { maskedMean, maskedVar, maskedWhiten } from './masked-whiten.js';

// Masked entries 1, 2, 3, 4, 5: mean 3, squared deviations 4 + 1 + 0 + 1 + 4 = 10.
const VALUES = [
  [1, 2, 3, 99],
  [4, 5, 77, NaN],
];
const MASK = [
  [1, 1, 1, 0],
  [1, 1, 0, 0],
];

describe('maskedMean and maskedVar', () => {
  it('take only the masked entries (padding may hold anything)', () => {
    expect(maskedMean(VALUES, MASK)).toBe(3);
    expect(maskedVar(VALUES, MASK)).toBeCloseTo(10 / 4, 14);
    expect(maskedVar(VALUES, MASK, false)).toBeCloseTo(10 / 5, 14);
  });

  it('is NaN for an empty mask; the unbiased variance needs two entries', () => {
    expect(maskedMean([[1, 2]], [[0, 0]])).toBeNaN();
    expect(() => maskedVar([[1, 2]], [[0, 1]])).toThrow(
      'maskedVar: the unbiased variance needs a mask sum of at least 2, got 1',
    );
    expect(() => maskedVar([[1, 2]], [[1, 1, 0]])).toThrow(
      'maskedVar: row 0 of mask has 3 entries, of values 2',
    );
  });
});

describe('maskedWhiten', () => {
  it('is (x − 3) / sqrt(2.5 + 1e-8) everywhere, shifted back by 3 without shiftMean', () => {
    const s = Math.sqrt(2.5 + 1e-8);
    const white = maskedWhiten(VALUES, MASK);
    [-2, -1, 0, 96].forEach((d, t) => expect(white[0]![t]).toBeCloseTo(d / s, 12));
    [1, 2, 74].forEach((d, t) => expect(white[1]![t]).toBeCloseTo(d / s, 12));
    const scaled = maskedWhiten(VALUES, MASK, false);
    [-2, -1, 0].forEach((d, t) => expect(scaled[0]![t]).toBeCloseTo(d / s + 3, 14));
  });

  it("matches plain whitening of the masked entries alone (TRL's test_masked_whiten)", () => {
    const unmasked = [0.25, -1.5, 3.75, 2, 0.5];
    const mean = unmasked.reduce((a, b) => a + b) / unmasked.length;
    const variance = unmasked.reduce((a, b) => a + (b - mean) ** 2, 0) / (unmasked.length - 1);
    const want = unmasked.map((x) => (x - mean) / Math.sqrt(variance + 1e-8));
    const values = [
      [9, ...unmasked.slice(0, 2)],
      [...unmasked.slice(2), -7],
    ];
    const mask = [
      [0, 1, 1],
      [1, 1, 1, 0],
    ];
    const got = maskedWhiten(values, mask);
    const kept = [got[0]![1], got[0]![2], got[1]![0], got[1]![1], got[1]![2]];
    kept.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });
});
