import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: the question’s own line first, then a prompt citing it as [1]', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(String(args[0])));
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    // The question is line 1 of the corpus, whose answer is 食管克罗恩病.
    expect(logs[0]).toMatch(/^line 1 score \d+\.\d\d: \{"问": "肛门病变可能是什么疾病的症状\?"/);
    expect(logs).toHaveLength(5);
    expect(logs[3]).toContain('[1] {"问": "肛门病变可能是什么疾病的症状?", "答": "食管克罗恩病"}');
    expect(logs[3]).toMatch(/\n\n问题:\n肛门病变可能是什么疾病的症状\?$/);
    expect(logs[4]).toMatch(/^cited: \[1\] line 1, \[2\] line \d+, \[3\] line \d+$/);
  });
});
