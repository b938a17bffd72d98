// Bugs the fuzzing of the readers found (read-records.fuzz.ts), one case each.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertDataset } from '../convert/convert-dataset.js';
import { MAX_JSON_DEPTH, readRecords, type ReadEvent } from './read-records.js';

const root = mkdtempSync(join(tmpdir(), 'medgpt-read-regressions-'));
const write = (name: string, content: string | Buffer) => {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
};
const collect = async (path: string) => {
  const out: ReadEvent[] = [];
  for await (const event of readRecords(path)) out.push(event);
  return out;
};
const summary = (events: ReadEvent[]) =>
  events.flatMap((e) =>
    e.kind === 'record'
      ? [[e.record.source.line, e.record.value]]
      : e.kind === 'issue'
        ? [[e.issue.line, e.issue.code]]
        : [],
  );
const nested = (depth: number) => `{"a": ${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('reader regressions', () => {
  it('keeps a U+FEFF that starts a later line (only the file-leading BOM is removed, with a warning)', async () => {
    const txt = write('bom.txt', '\ufeffa\n\ufeffb\n');
    expect(summary(await collect(txt))).toEqual([
      [1, 'byte-order-mark'],
      [1, { text: 'a\n' }],
      [2, { text: '\ufeffb\n' }],
    ]);
    // A JSON line starting with U+FEFF is not JSON (json.loads refuses it too).
    const jsonl = write('bom.jsonl', '{"a":1}\n\ufeff{"b":2}\n');
    expect(summary(await collect(jsonl))).toEqual([
      [1, { a: 1 }],
      [2, 'invalid-json'],
    ]);
  });

  it('skips the three bytes of a BOM only when they are one when telling arrays from lines', async () => {
    // 0xEF 0x20 0x20 '[' is not a BOM: the first non-blank byte is 0xEF, so the file is read as lines.
    const path = write('not-bom.json', Buffer.concat([Buffer.from([0xef, 0x20, 0x20]), Buffer.from('[1]\n')]));
    expect((await collect(path))[0]).toMatchObject({ kind: 'file', layout: 'jsonl' });
  });

  it('does not let a "}" close a JSON array', async () => {
    const events = await collect(write('brace.json', '[\n1\n}\n'));
    expect(summary(events)).toEqual([[4, 'not-an-array']]);
  });

  it('refuses a trailing comma before the closing "]" as json.load does', async () => {
    const events = await collect(write('comma.json', '[\n{"a": 1},\n]\n'));
    expect(summary(events)).toEqual([
      [2, { a: 1 }],
      [3, 'not-an-array'],
    ]);
  });

  it(`refuses records nested deeper than ${MAX_JSON_DEPTH} levels, as Python's json does`, async () => {
    const path = write('deep.jsonl', `${nested(MAX_JSON_DEPTH - 1)}\n${nested(MAX_JSON_DEPTH)}\n`);
    const events = await collect(path);
    expect(summary(events).map(([line, v]) => [line, typeof v === 'string' ? v : 'record'])).toEqual([
      [1, 'record'],
      [2, 'invalid-json'],
    ]);
    const issue = events.find((e) => e.kind === 'issue');
    expect(issue?.kind === 'issue' && issue.issue.message).toBe(
      `JSON nested ${MAX_JSON_DEPTH + 1} levels deep, over the ${MAX_JSON_DEPTH} levels Python's json reads`,
    );
  });

  it('json2jsonl reports a record nested too deep to write instead of crashing in JSON.stringify', async () => {
    const inFile = write('deep.json', `[${nested(5000)}, {"ok": true}]`);
    const outFile = join(root, 'deep-out.jsonl');
    const result = await convertDataset({ inFile, outFile, dataType: 'json2jsonl' });
    expect(result.written).toBe(1);
    expect(result.report.issues.map((i) => i.code)).toEqual(['invalid-json']);
    expect(readFileSync(outFile, 'utf8')).toBe('{"ok":true}\n');
  });
});
