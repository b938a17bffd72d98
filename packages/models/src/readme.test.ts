import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart without leaking tensors', async () => {
    const logs: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    const [loss, lengths, streamed, shards] = logs.map((args) => args[0]);
    // An untrained model is close to uniform over the vocabulary.
    const [value, uniform] = /^loss (\S+) \(ln\(vocab\) = (\S+)\)$/.exec(String(loss))!.slice(1).map(Number);
    expect(Math.abs(value! - uniform!)).toBeLessThan(0.1);
    // up to 8 new tokens per row (fewer if a row samples an end-of-sequence id)
    expect((lengths as number[]).every((n) => n >= 1 && n <= 8)).toBe(true);
    expect(streamed).toMatch(/^streamed \d+ characters$/);
    expect(Number(/^(\d+) shards$/.exec(String(shards))?.[1])).toBeGreaterThan(1);
  });
});
