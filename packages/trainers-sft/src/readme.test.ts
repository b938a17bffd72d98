import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: PT then LoRA SFT, without leaking tensors', async () => {
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
    expect(logs[0]).toMatch(/^pt: 4 steps, eval perplexity \d+\.\d$/);
    // 16 rows, 4 per micro-batch, 2 per step: 2 steps.
    expect(logs[1]).toMatch(/^sft: saved adapter to .*sft; losses \d\.\d{3} \d\.\d{3}$/);
  });
});
