import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(String(args[0])));
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    const [report, split, tokens, packed, resumed] = logs;
    expect(report).toMatch(/^2,300 records in 3 files: 2,29\d valid/);
    expect(split).toMatch(/^train 16 rows \(first: line \d+\), validation 10$/);
    expect(tokens).toBe('16 samples, 0 dropped');
    expect(packed).toMatch(/^16 samples in \d+ rows; batch \[2, \d+\]$/);
    expect(resumed).toBe('resumed at epoch 0, batch 1: same next batch = true');
  });
});
