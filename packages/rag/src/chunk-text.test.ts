import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.js';

describe('chunkText', () => {
  it('cuts at size with the given overlap when no sentence ends', () => {
    expect(chunkText('abcdefghij', { size: 4, overlap: 1 })).toEqual(['abcd', 'defg', 'ghij']);
    expect(chunkText('abcdefgh', { size: 4, overlap: 0 })).toEqual(['abcd', 'efgh']);
  });

  it('returns short text whole and empty text as no chunks', () => {
    expect(chunkText('发热', { size: 4, overlap: 1 })).toEqual(['发热']);
    expect(chunkText('', { size: 4, overlap: 1 })).toEqual([]);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(chunkText('a😀b😀c', { size: 2, overlap: 0 })).toEqual(['a😀', 'b😀', 'c']);
  });

  it('breaks after a sentence end inside the last quarter of a chunk', () => {
    // size 8: the last quarter is positions 6..7; 。 sits at position 6.
    expect(chunkText('一二三四五六。七八九十', { size: 8, overlap: 0 })).toEqual([
      '一二三四五六。',
      '七八九十',
    ]);
    // with overlap 2 the next chunk starts 2 before the break.
    expect(chunkText('一二三四五六。七八九十', { size: 8, overlap: 2 })).toEqual([
      '一二三四五六。',
      '六。七八九十',
    ]);
    // a newline counts as a sentence end too.
    expect(chunkText('abcdefg\nhijk', { size: 8, overlap: 0 })).toEqual(['abcdefg\n', 'hijk']);
  });

  it('ignores a sentence end before the last quarter', () => {
    expect(chunkText('一二三。四五六七八九十', { size: 8, overlap: 0 })).toEqual([
      '一二三。四五六七',
      '八九十',
    ]);
  });

  it('checks size > overlap >= 0', () => {
    const msg = /chunk options: expected integers with size > overlap >= 0, got size 4, overlap 4/;
    expect(() => chunkText('x', { size: 4, overlap: 4 })).toThrow(msg);
    expect(() => chunkText('x', { size: 4, overlap: -1 })).toThrow(/size > overlap >= 0/);
    expect(() => chunkText('x', { size: 2.5, overlap: 0 })).toThrow(/size > overlap >= 0/);
  });
});
