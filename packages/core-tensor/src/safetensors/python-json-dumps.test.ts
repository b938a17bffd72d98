import { describe, expect, it } from 'vitest';
import { pythonJsonDumps } from './python-json-dumps.js';

describe('pythonJsonDumps', () => {
  it('indents like json.dumps(indent=2) and keeps Map order, integer-like keys included', () => {
    const value = new Map<string, unknown>([
      ['b', 1],
      ['10', [true, null]],
      ['a', { x: [], y: {} }],
    ]);
    expect(pythonJsonDumps(value as never)).toBe(
      '{\n  "b": 1,\n  "10": [\n    true,\n    null\n  ],\n  "a": {\n    "x": [],\n    "y": {}\n  }\n}',
    );
  });

  it('escapes as ensure_ascii does: non-ASCII and DEL as lower-case \\uXXXX, astral as surrogate pairs', () => {
    expect(pythonJsonDumps('é\u007f😀"\\\n\u0001')).toBe('"\\u00e9\\u007f\\ud83d\\ude00\\"\\\\\\n\\u0001"');
  });

  it('refuses numbers Python would print differently', () => {
    expect(() => pythonJsonDumps(0.5)).toThrow(/0.5 is not a safe integer/);
  });
});
