import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords, type ReadEvent } from './read-records.js';

const root = mkdtempSync(join(tmpdir(), 'medgpt-records-'));
const write = (rel: string, content: string) => {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
};
const collect = async (path: string | string[], options = {}) => {
  const out: ReadEvent[] = [];
  for await (const event of readRecords(path, options)) out.push(event);
  return out;
};

describe('readRecords', () => {
  it('walks a directory recursively in sorted order and reports skipped files', async () => {
    write('tree/b.jsonl', '{"text":"b"}\n');
    write('tree/a/z.jsonl', '{"text":"az"}\n');
    write('tree/README.md', '# not data\n');
    write('tree/.hidden/x.jsonl', '{"text":"hidden"}\n');
    const events = await collect(join(root, 'tree'));
    expect(
      events.filter((e) => e.kind === 'ignored-file').map((e) => e.kind === 'ignored-file' && e.file),
    ).toEqual([join(root, 'tree/README.md')]);
    const records = events.flatMap((e) =>
      e.kind === 'record' ? [[e.record.source.file, (e.record.value as { text: string }).text]] : [],
    );
    expect(records).toEqual([
      [join(root, 'tree/a/z.jsonl'), 'az'],
      [join(root, 'tree/b.jsonl'), 'b'],
    ]);
  });

  it("reads .txt lines as datasets' text loader does: newline kept, CRLF and lone CR normalised", async () => {
    const path = write('pt/doc.txt', 'one\r\ntwo\rthree\n\nlast');
    const texts = (await collect(path)).flatMap((e) =>
      e.kind === 'record' ? [[e.record.source.line, (e.record.value as { text: string }).text]] : [],
    );
    expect(texts).toEqual([
      [1, 'one\n'],
      [2, 'two\n'],
      [2, 'three\n'],
      [3, '\n'],
      [4, 'last'],
    ]);
  });

  it('drops the newline with keepLinebreaks false', async () => {
    const path = write('pt/flat.txt', 'a\nb\n');
    const texts = (await collect(path, { keepLinebreaks: false })).flatMap((e) =>
      e.kind === 'record' ? [(e.record.value as { text: string }).text] : [],
    );
    expect(texts).toEqual(['a', 'b']);
  });

  it('reads a .json file as an array when it starts with "[" and as JSON lines otherwise', async () => {
    const array = write('j/array.json', '[\n{"text":"x"},\n{"text":"y"}\n]');
    const lines = write('j/lines.json', '{"text":"x"}\n{"text":"y"}\n');
    for (const [path, layout, sourceLines] of [
      [array, 'json-array', [2, 3]],
      [lines, 'jsonl', [1, 2]],
    ] as const) {
      const events = await collect(path);
      expect(events[0]).toEqual({ kind: 'file', file: path, layout });
      expect(events.flatMap((e) => (e.kind === 'record' ? [e.record.source.line] : []))).toEqual(sourceLines);
    }
  });

  it('turns unparsable lines into issues with file:line, and skips blank lines', async () => {
    const path = write('bad/x.jsonl', '{"text":"ok"}\n\n{"text": oops}\n');
    const events = await collect(path);
    const issues = events.flatMap((e) => (e.kind === 'issue' ? [e.issue] : []));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: path, line: 3, code: 'invalid-json', severity: 'error' });
  });

  it('names a missing path', async () => {
    await expect(collect(join(root, 'nope'))).rejects.toThrow(/nope: no such file or directory/);
  });
});

describe('readRecords on a minified JSON array', () => {
  it('recognises the array even when its one line is over the line cap', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ text: `row ${i} ${'x'.repeat(100)}` }));
    const path = write('j/minified.json', `\ufeff  ${JSON.stringify(rows)}`);
    const events = await collect(path, { maxLineBytes: 1024 });
    expect(events[0]).toEqual({ kind: 'file', file: path, layout: 'json-array' });
    expect(events.filter((e) => e.kind === 'record')).toHaveLength(50);
  });
});
