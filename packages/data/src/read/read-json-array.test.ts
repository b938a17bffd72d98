import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonArray, type JsonArrayEvent } from './read-json-array.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-array-'));
const read = async (content: string, maxElementBytes?: number) => {
  const path = join(dir, `f${Math.random()}.json`);
  writeFileSync(path, content);
  const out: JsonArrayEvent[] = [];
  for await (const event of readJsonArray(path, { maxElementBytes })) out.push(event);
  return out;
};

describe('readJsonArray', () => {
  it('yields each element with the line it starts on, whatever its strings hold', async () => {
    const elements = [
      { instruction: 'brackets ] } in a string', output: 'a "quoted" \\ slash' },
      { instruction: 'two\nlines', nested: [[1, { a: '[' }]] },
    ];
    const text = `[\n  ${JSON.stringify(elements[0])},\n\n  ${JSON.stringify(elements[1], null, 2)}\n]\n`;
    const events = await read(text);
    expect(events.map((e) => e.kind)).toEqual(['element', 'element']);
    expect(events.map((e) => (e.kind === 'element' ? [e.line, JSON.parse(e.text)] : null))).toEqual([
      [2, elements[0]],
      [4, elements[1]],
    ]);
  });

  it('splits scalar elements at commas and the closing bracket', async () => {
    const events = await read('[1, "a,b", true ,null]');
    expect(events.map((e) => (e.kind === 'element' ? JSON.parse(e.text) : e.kind))).toEqual([
      1,
      'a,b',
      true,
      null,
    ]);
  });

  it('splits elements that straddle 1 MiB read chunks', async () => {
    const big = 'x'.repeat((1 << 20) - 10);
    const events = await read(`[{"text":"${big}"},{"text":"y"}]`);
    expect(
      events.map((e) =>
        e.kind === 'element' ? (JSON.parse(e.text) as { text: string }).text.length : e.kind,
      ),
    ).toEqual([big.length, 1]);
  });

  it('reports an oversized element and keeps reading', async () => {
    const events = await read(`[{"a":"${'z'.repeat(100)}"}, {"b":2}]`, 50);
    expect(events[0]).toMatchObject({ kind: 'too-long', line: 1 });
    expect(events[1]).toMatchObject({ kind: 'element', text: '{"b":2}' });
  });

  it.each([
    ['{"not": "an array"}', /one JSON array/],
    ['', /empty/],
    ['[{"a":1}', /before the closing/],
    ['[{"a":1}] [', /after the closing/],
    ['[{"a":1} {"b":2}]', /without a ","/],
  ])('stops on a file that is not one array: %j', async (content, message) => {
    const events = await read(content);
    const last = events[events.length - 1]!;
    expect(last.kind).toBe('not-an-array');
    expect(last.kind === 'not-an-array' && last.message).toMatch(message);
  });
});
