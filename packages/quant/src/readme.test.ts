import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    expect(/```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1]).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart and prints what the README says: llama.cpp continues as medgpt does', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(0);
    const printed = /Prints:\n\n```text\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(logs.join('\n') + '\n').toBe(printed);
    expect(logs[1]!.slice('llama.cpp: '.length)).toBe(logs[2]!.slice('medgpt:    '.length));
  });
});
