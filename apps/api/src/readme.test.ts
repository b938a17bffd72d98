import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    expect(/```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1]).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart', async () => {
    const logs: unknown[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line) => void logs.push(line));
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    expect(logs).toEqual(['data: [DONE]', 'OK', 'stop']);
  });
});
