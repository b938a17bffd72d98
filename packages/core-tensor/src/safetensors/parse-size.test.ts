import { describe, expect, it } from 'vitest';
import { parseSize } from './parse-size.js';

describe('parseSize', () => {
  it('reads decimal units as huggingface_hub does (GB = 10^9, fractions truncated)', () => {
    expect(parseSize('5GB')).toBe(5 * 10 ** 9);
    expect(parseSize(' 500mb ')).toBe(500 * 10 ** 6);
    expect(parseSize('1.5KB')).toBe(1500);
    expect(parseSize('0.0015KB')).toBe(1);
    expect(parseSize('2TB')).toBe(2 * 10 ** 12);
  });

  it('reads binary units, plain byte counts and numbers', () => {
    expect(parseSize('2GiB')).toBe(2 * 2 ** 30);
    expect(parseSize('3 MiB')).toBe(3 * 2 ** 20);
    expect(parseSize('2000')).toBe(2000);
    expect(parseSize('64B')).toBe(64);
    expect(parseSize(2000)).toBe(2000);
  });

  it('rejects what it cannot read', () => {
    expect(() => parseSize('5 parsecs')).toThrow(
      /cannot read size "5 parsecs"; expected bytes or a number with KB/,
    );
    expect(() => parseSize('GB')).toThrow(RangeError);
    expect(() => parseSize(-1)).toThrow(/size -1 is not a non-negative integer/);
    expect(() => parseSize(1.5)).toThrow(RangeError);
  });
});
