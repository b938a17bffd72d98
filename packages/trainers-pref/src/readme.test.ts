import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: LoRA DPO (step 1 at ln 2, margins rising), then ORPO, without leaking tensors', async () => {
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
    const dpo = /^dpo: saved adapter; loss (\d\.\d{4}) at step 1, margins (.*)$/.exec(logs[0]!);
    expect(dpo?.[1]).toBe('0.6931');
    const margins = dpo![2]!.split(' ').map(Number);
    expect(margins).toHaveLength(4);
    expect(margins[0]).toBe(0);
    expect(margins[3]).toBeGreaterThan(0);
    expect(logs[1]).toMatch(/^orpo: nll \d+\.\d{3}, log odds ratio -\d+\.\d{3}$/);
  });
});
