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
    const [first, second, dir, cached, offline] = logs as string[];
    expect([first, second].sort()).toEqual(
      ['config.json: 23 bytes (1/2)', 'model.safetensors: 4096 bytes (2/2)'].sort(),
    );
    expect(dir).toMatch(/\/models--medgpt--tiny\/snapshots\/[0-9a-f]{40}$/);
    expect(cached).toBe(true);
    expect(offline).toMatch(/^medgpt\/other@main: not in the Hugging Face cache, and downloads are off/);
  });
});
