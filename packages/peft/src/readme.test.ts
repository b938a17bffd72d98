import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: the loss falls, the base differs, the adapter merges, nothing leaks', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(String(args[0])));
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    const losses = logs.slice(0, 3).map((l) => Number(/^step \d loss (\S+)$/.exec(l)![1]));
    expect(losses[2]!).toBeLessThan(losses[0]!);
    const [base, adapted] = /^base (\S+) adapted (\S+)$/.exec(logs[3]!)!.slice(1).map(Number);
    expect(adapted!).toBeLessThan(base!);
    expect(logs[4]).toMatch(/^merged \d+ layers$/);
  });
});
