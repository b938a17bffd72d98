import { describe, expect, it } from 'vitest';
import { pageText, type PdfTextItem } from './page-text.js';

/** A text item at baseline `y` in a `size`-point font. */
const item = (str: string, y: number, hasEOL = false, size = 12): PdfTextItem => ({
  str,
  transform: [size, 0, 0, size, 72, y],
  hasEOL,
});

describe('pageText', () => {
  it('ends a line after an item with hasEOL and joins the items of a line as given', () => {
    expect(pageText([item('Blood ', 700), item('pressure', 700, true), item('rises', 686)])).toBe(
      'Blood pressure\nrises',
    );
  });

  it('takes a line’s height from its first text, not from an empty end-of-line item', () => {
    // pdf.js puts an empty hasEOL item at the next line's position when a font change ended a line.
    const items = [item('a', 700), item('', 686, true), item('b', 686)];
    expect(pageText(items)).toBe('a\nb');
  });

  it('starts a paragraph where the baseline drops by more than 1.5 font sizes or moves up', () => {
    const items = [
      item('one', 700, true),
      item('two', 686, true), // 14 = 1.17 sizes: same paragraph
      item('three', 650, true), // 36 = 3 sizes: new paragraph
      item('four', 720, true), // back up: a new column
      item('five', 702, true, 12), // 18 = exactly 1.5 sizes: same paragraph
    ];
    expect(pageText(items)).toBe('one\ntwo\n\nthree\n\nfour\nfive');
  });

  it('uses the larger font size of two lines, so a heading’s gap is not a paragraph break', () => {
    expect(pageText([item('Heading', 700, true, 24), item('body', 670, true, 12)])).toBe('Heading\nbody');
  });

  it('collapses whitespace, keeps whitespace-only items as a space and drops empty lines', () => {
    expect(pageText([item(' a  ', 700), item(' ', 700), item('b\tc', 700, true), item(' ', 686, true)])).toBe(
      'a b c',
    );
    expect(pageText([])).toBe('');
  });
});
