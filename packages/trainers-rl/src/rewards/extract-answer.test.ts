import { describe, expect, it } from 'vitest';
import { extractAnswer } from './extract-answer.js';

describe('extractAnswer', () => {
  it('returns the trimmed content of the <answer> tag', () => {
    expect(extractAnswer('<think>48 + 24</think><answer>  72 </answer>')).toBe('72');
  });

  it('returns the whole text trimmed when there is no complete tag', () => {
    expect(extractAnswer('  The answer is 72.\n')).toBe('The answer is 72.');
    expect(extractAnswer('<answer>72')).toBe('<answer>72');
  });

  it('takes the first tag when there are several', () => {
    expect(extractAnswer('<answer>first</answer> then <answer>second</answer>')).toBe('first');
  });

  it('reads content across lines', () => {
    expect(extractAnswer('<think>r</think><answer>\nline one\nline two\n</answer>')).toBe(
      'line one\nline two',
    );
  });

  it('keeps an empty answer empty', () => {
    expect(extractAnswer('<answer> </answer>')).toBe('');
  });
});
