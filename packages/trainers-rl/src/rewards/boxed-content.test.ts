import { describe, expect, it } from 'vitest';
import { lastBoxedContent } from './boxed-content.js';

describe('lastBoxedContent', () => {
  it('returns the content of \\boxed{}', () => {
    expect(lastBoxedContent('so the answer is \\boxed{42}.')).toBe('42');
  });

  it('keeps nested braces whole', () => {
    expect(lastBoxedContent('\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(lastBoxedContent('\\boxed{\\{1, 2\\}}')).toBe('\\{1, 2\\}');
  });

  it('takes the last complete box, also \\fbox and a space before the brace', () => {
    expect(lastBoxedContent('\\boxed{1} then \\boxed {2}')).toBe('2');
    expect(lastBoxedContent('\\fbox{7}')).toBe('7');
    expect(lastBoxedContent('\\boxed{3} and a cut-off \\boxed{4')).toBe('3');
  });

  it('returns null without a box', () => {
    expect(lastBoxedContent('42')).toBeNull();
    expect(lastBoxedContent('\\boxed{')).toBeNull();
  });
});
