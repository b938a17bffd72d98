import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart: two questions scored, one line each and the accuracy, no tensor leak', async () => {
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
    expect(logs[0]).toMatch(/^clinical_medicine_val\.csv:2: answer A, model [ABCD]$/);
    expect(logs[1]).toMatch(/^clinical_medicine_val\.csv:3: answer B, model [ABCD]$/);
    expect(logs[2]).toMatch(/^accuracy [012]\/2 \(0-shot\)$/);
  });
});
