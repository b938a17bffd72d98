import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readLines, type LineEvent } from './read-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-lines-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const collect = async (path: string, maxLineBytes?: number) => {
  const out: LineEvent[] = [];
  for await (const event of readLines(path, { maxLineBytes })) out.push(event);
  return out;
};

describe('readLines', () => {
  it('ends lines at LF and CRLF, keeps empty lines, marks an unterminated last line', async () => {
    const events = await collect(file('mixed.txt', 'a\r\nb\n\nlast'));
    expect(events).toEqual([
      { kind: 'line', line: 1, text: 'a', terminated: true },
      { kind: 'line', line: 2, text: 'b', terminated: true },
      { kind: 'line', line: 3, text: '', terminated: true },
      { kind: 'line', line: 4, text: 'last', terminated: false },
    ]);
  });

  it('removes and reports a byte order mark', async () => {
    const events = await collect(
      file('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')])),
    );
    expect(events).toEqual([{ kind: 'bom' }, { kind: 'line', line: 1, text: '{"a":1}', terminated: true }]);
  });

  it('reports invalid UTF-8 with its line', async () => {
    const events = await collect(
      file(
        'bad.txt',
        Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('ok\n')]),
      ),
    );
    expect(events.map((e) => e.kind)).toEqual(['line', 'invalid-utf8', 'line']);
    expect(events[1]).toEqual({ kind: 'invalid-utf8', line: 2 });
  });

  it('keeps multi-byte characters split across 1 MiB chunks', async () => {
    const text = '汉'.repeat(400_000); // 1.2 MB: chunk edges fall inside characters
    const events = await collect(file('wide.txt', `${text}\nx\n`));
    expect(events[0]).toEqual({ kind: 'line', line: 1, text, terminated: true });
    expect(events[1]).toMatchObject({ line: 2, text: 'x' });
  });

  it('skips a line over the cap without holding it in memory, then goes on', async () => {
    const path = join(dir, 'huge.jsonl');
    const out = createWriteStream(path);
    out.write('{"first":1}\n');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 96; i++) if (!out.write(block)) await once(out, 'drain');
    out.end('\n{"after":1}\n');
    await once(out, 'finish');
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const events: LineEvent[] = [];
    for await (const event of readLines(path, { maxLineBytes: 4096 })) {
      events.push(event);
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    }
    expect(events).toEqual([
      { kind: 'line', line: 1, text: '{"first":1}', terminated: true },
      { kind: 'too-long', line: 2, bytes: 96 << 20 },
      { kind: 'line', line: 3, text: '{"after":1}', terminated: true },
    ]);
    // A 96 MiB line read through a few 1 MiB chunks, never accumulated.
    expect(peak).toBeLessThan(48 << 20);
  });

  it('treats a line exactly at the cap as fine, CRLF included', async () => {
    const events = await collect(file('cap.txt', 'abcd\r\nabcde\n'), 4);
    expect(events).toEqual([
      { kind: 'line', line: 1, text: 'abcd', terminated: true },
      { kind: 'too-long', line: 2, bytes: 5 },
    ]);
  });
});
