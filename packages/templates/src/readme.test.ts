import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { templateTable } from './template-table.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const readme = read('../README.md');
const example = read('../examples/quickstart.ts');

describe('README', () => {
  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstCode).toBe(example);
  });

  it('lists every template exactly as registered', () => {
    expect(readme).toContain(templateTable());
  });

  it('runs the quickstart', async () => {
    const logs: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
    try {
      await import('../examples/quickstart.js');
    } finally {
      spy.mockRestore();
    }
    const [prompt, chat, counts, clean, finding] = logs.map((args) => args[0]);
    // qwen's blank line after the system turn, as MedicalGPT renders it (reference §3.1).
    expect(prompt).toContain('<|im_end|>\n\n<|im_start|>user\nWhat is a fever?');
    expect(chat).toMatch(/<\|im_start\|>assistant\n<think>\n\n<\/think>\n\n$/);
    expect(counts).toMatch(/^\d+ tokens, \d+ trained$/);
    expect(clean).toEqual([]);
    expect(finding).toMatch(/^error: template 'qwen' stop_str/);
  });
});
