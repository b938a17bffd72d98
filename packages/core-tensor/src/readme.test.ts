import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { tf } from './index.js';

describe('README quickstart', () => {
  it('is examples/quickstart.ts verbatim', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + example + '```');
  });

  it('runs, trains and leaks nothing', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.join(' ')));
    await tf.ready();
    const before = tf.memory().numTensors;
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(/^backend: (wasm|cpu)$/);
    const [, first, last] = /^loss ([\d.]+) -> ([\d.]+)$/.exec(lines[1]!)!;
    expect(Number(last)).toBeLessThan(Number(first));
    expect(lines[2]).toBe('BF16 5,8');
    expect(tf.memory().numTensors).toBe(before);
  });
});
