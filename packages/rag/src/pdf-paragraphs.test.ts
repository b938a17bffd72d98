import { describe, expect, it } from 'vitest';
import { pdfParagraphs } from './pdf-paragraphs.js';

describe('pdfParagraphs', () => {
  it('gives each page’s paragraphs with their page and first line among the page’s text lines', () => {
    const text = 'Blood pressure\nrises.\n\n高血压是\n慢性病。\fpage two\n\n\nlast';
    expect(pdfParagraphs(text)).toEqual([
      { page: 1, line: 1, text: 'Blood pressure rises.' },
      { page: 1, line: 3, text: '高血压是慢性病。' },
      { page: 2, line: 1, text: 'page two' },
      { page: 2, line: 2, text: 'last' },
    ]);
  });

  it('keeps page numbers across pages without text', () => {
    expect(pdfParagraphs('\f\fthird')).toEqual([{ page: 3, line: 1, text: 'third' }]);
  });
});
