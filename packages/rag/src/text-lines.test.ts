import { describe, expect, it } from 'vitest';
import { textLines } from './text-lines.js';

describe('textLines', () => {
  it('keeps non-empty lines with their 1-based line numbers, trimmed, CRLF or LF', () => {
    expect(textLines('发热\r\n\n  咳嗽 \n\t\nfever')).toEqual([
      { line: 1, text: '发热' },
      { line: 3, text: '咳嗽' },
      { line: 5, text: 'fever' },
    ]);
  });

  it('gives nothing for empty or blank text', () => {
    expect(textLines('')).toEqual([]);
    expect(textLines(' \n\n')).toEqual([]);
  });
});
