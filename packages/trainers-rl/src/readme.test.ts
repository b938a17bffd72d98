import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: GRPO full fine-tuning whose toy reward rises, without leaking tensors', async () => {
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
    const m = /^grpo: saved model; letter_a reward by step (.*)$/.exec(logs[0]!);
    const toy = m![1]!.split(' ').map(Number);
    expect(toy).toHaveLength(12);
    expect(toy.slice(-3).reduce((a, b) => a + b) / 3).toBeGreaterThan(
      toy.slice(0, 3).reduce((a, b) => a + b) / 3 + 0.1,
    );
  });
});
