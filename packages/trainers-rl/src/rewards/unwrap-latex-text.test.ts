import { describe, expect, it } from 'vitest';
import { unwrapLatexText } from './unwrap-latex-text.js';

describe('unwrapLatexText', () => {
  it('keeps the content of text wrappers and drops the commands', () => {
    expect(unwrapLatexText('18\\text{ dollars}')).toBe('18 dollars');
    expect(unwrapLatexText('5\\,\\mathrm{cm} and \\textbf{bold}')).toBe('5\\,cm and bold');
  });

  it('unwraps nested wrappers', () => {
    expect(unwrapLatexText('\\text{a \\textbf{b} c}')).toBe('a b c');
  });

  it('leaves other commands alone', () => {
    expect(unwrapLatexText('\\frac{1}{2}')).toBe('\\frac{1}{2}');
  });
});
