import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse-csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, newlines and doubled quotes; BOM and CRLF; the line each row starts on', () => {
    const text = '\ufeffid,question,A\r\n1,"a, b",x\r\n2,"two\nlines ""quoted""",y\n\n3,plain,z\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'question', 'A'] },
      { line: 2, fields: ['1', 'a, b', 'x'] },
      { line: 3, fields: ['2', 'two\nlines "quoted"', 'y'] },
      { line: 6, fields: ['3', 'plain', 'z'] },
    ]);
  });

  it('names the line of an unclosed quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n', 'f.csv')).toThrow('f.csv:2: a quoted field is not closed');
  });
});
