import { describe, expect, it } from 'vitest';
import { jsonlRecords } from './jsonl-records.js';

describe('jsonlRecords', () => {
  it('joins string fields as key: value lines, skipping non-strings and blank lines', () => {
    const text = '{"问": "发烧怎么办", "答": "多喝水", "n": 3}\n\n{"text": "cough"}\n';
    expect(jsonlRecords(text, 'a.jsonl')).toEqual([
      { line: 1, text: '问: 发烧怎么办\n答: 多喝水' },
      { line: 3, text: 'text: cough' },
    ]);
  });

  it('names file:line and the expected form for bad lines', () => {
    expect(() => jsonlRecords('{"a": "x"}\n{"a": ', 'd/c.jsonl')).toThrow(
      /^d\/c\.jsonl:2: not valid JSON .*expected one JSON object per line/,
    );
    expect(() => jsonlRecords('[1, 2]', 'c.jsonl')).toThrow(
      'c.jsonl:1: expected a JSON object like {"问": "...", "答": "..."}, got [1,2]',
    );
    expect(() => jsonlRecords('\n{"n": 1}', 'c.jsonl')).toThrow(
      'c.jsonl:2: expected at least one string field, got {"n":1}',
    );
  });
});
