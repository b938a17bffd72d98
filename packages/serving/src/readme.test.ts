import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    expect(/```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1]).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart', async () => {
    const logs: unknown[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line) => void logs.push(line));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await import('../examples/quickstart.js');
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
    expect(String(logs[0])).toMatch(
      /^\[medgpt\] model: .*\(qwen2, \d+ layers\); prompt: the tokenizer's chat_template/,
    );
    expect(logs.at(-1)).toEqual({ text: 'OK', tokens: 3, end: 'stop' });
  });
});
