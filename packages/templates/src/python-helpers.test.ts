import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonFormat } from './python-format.js';
import { pythonJsonDumps } from './python-json.js';
import { pythonStr } from './python-str.js';

// Outputs of Python's json.dumps / str.format / str, from scripts/gen_medicalgpt_golden.py.
const python = JSON.parse(readFileSync(new URL('./fixtures/medicalgpt-golden.json', import.meta.url), 'utf8'))
  .python as {
  json_dumps: { value: unknown; compact: string; indent4: string }[];
  format: { template: string; values: Record<string, string>; text: string }[];
  str: { value: unknown; text: string }[];
};

describe('Python helpers', () => {
  it.each(python.json_dumps.map((c, i) => [i, c] as const))('json.dumps case %i', (_, c) => {
    expect(pythonJsonDumps(c.value)).toBe(c.compact);
    expect(pythonJsonDumps(c.value, { indent: 4 })).toBe(c.indent4);
  });

  it.each(python.format.map((c) => [c.template, c] as const))('str.format %j', (_, c) => {
    expect(pythonFormat(c.template, c.values)).toBe(c.text);
  });

  it.each(python.str.map((c) => [c.text, c] as const))('str() -> %s', (_, c) => {
    expect(pythonStr(c.value)).toBe(c.text);
  });

  it('rejects what str.format rejects', () => {
    expect(() => pythonFormat('a } b', {})).toThrow(/Single '\}'/);
    expect(() => pythonFormat('{query:>5}', { query: 'x' })).toThrow(/Unsupported format field/);
  });
});
