import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: the loss falls, checkpoints rotate, no tensor leaks', async () => {
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
    // 32 rows / 4 = 8 micro-batches per epoch, 2 per step: 4 steps per epoch, 20 in all.
    const [steps, ...losses] = /^(\d+) steps, loss (.*)$/.exec(logs[0]!)!.slice(1);
    expect(Number(steps)).toBe(20);
    const values = losses[0]!.split(' -> ').map(Number);
    expect(values).toHaveLength(4);
    expect(values.at(-1)!).toBeLessThan(values[0]!);
    expect(logs[1]).toBe(
      'checkpoint-10 checkpoint-20 loss.svg metrics.jsonl train_results.json trainer_state.json',
    );
  });
});
