import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README: bitsandbytes formats', () => {
  it('shows examples/bnb-round-trip.ts, verbatim', () => {
    const section = read('../../README.md').split('## bitsandbytes formats')[1] ?? '';
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBe(read('../../examples/bnb-round-trip.ts'));
  });

  it('runs it: 8192 values in 4096 bytes, small error, nothing leaks', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(String(args[0])));
    try {
      await import('../../examples/bnb-round-trip.js');
    } finally {
      spy.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(0);
    expect(logs[0]).toBe(
      'tensors weight .absmax .quant_map .nested_absmax .nested_quant_map .quant_state.bitsandbytes__nf4',
    );
    const m = /^8192 values in 4096 bytes, max error (\S+)$/.exec(logs[1]!);
    expect(m).not.toBeNull();
    // At most half NF4's widest gap (1 - 0.723) times a block absmax (~0.08 here), plus the absmax error.
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThan(0.015);
  });
});
