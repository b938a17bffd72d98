import { describe, expect, it } from 'vitest';
import { splitDocument } from './split-document.js';

describe('splitDocument', () => {
  const text = '# 头痛\n\n{"问": "q"}';
  it('reads .md as paragraphs', () => {
    expect(splitDocument({ source: 'a.MD', text: '# 头痛\n\n正文' })).toEqual([
      { line: 1, text: '头痛' },
      { line: 3, text: '正文' },
    ]);
  });

  it('reads .jsonl as records and names the file on a bad line', () => {
    expect(splitDocument({ source: 'a.jsonl', text: '{"问": "q"}' })).toEqual([{ line: 1, text: '问: q' }]);
    expect(() => splitDocument({ source: 'a.jsonl', text })).toThrow(/^a\.jsonl:1: not valid JSON/);
  });

  it('reads .txt and anything else one passage per non-empty line', () => {
    const lines = [
      { line: 1, text: '# 头痛' },
      { line: 3, text: '{"问": "q"}' },
    ];
    expect(splitDocument({ source: 'a.txt', text })).toEqual(lines);
    expect(splitDocument({ source: 'a.csv', text })).toEqual(lines);
  });
});
