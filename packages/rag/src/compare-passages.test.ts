import { describe, expect, it } from 'vitest';
import { comparePassages } from './compare-passages.js';
import type { Passage } from './passage.js';

const p = (id: number, text: string, line = id + 1): Passage => ({ id, source: 'a.txt', line, text });

describe('comparePassages', () => {
  it('finds the first difference, or none', () => {
    const a = [p(0, 'x'), p(1, 'y')];
    expect(comparePassages(a, [p(0, 'x'), p(1, 'y')])).toBeUndefined();
    expect(comparePassages(a, [p(0, 'x')])).toBe('2 passages against 1');
    expect(comparePassages(a, [p(0, 'x'), p(2, 'y')])).toBe('passage 1: id 1 against 2');
    expect(comparePassages(a, [p(0, 'x'), p(1, 'z')])).toBe('passage 1: text differs');
    expect(comparePassages(a, [p(0, 'x', 7), p(1, 'y')])).toBe('passage 0: line differs');
    expect(comparePassages(a, [{ ...p(0, 'x'), page: 2 } as Passage, p(1, 'y')])).toBe(
      'passage 0: page differs',
    );
  });
});
