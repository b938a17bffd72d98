import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { REPO_ROOT } from './test-tokenizers.js';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const EXAMPLE = readFileSync(`${PACKAGE_DIR}examples/quickstart.ts`, 'utf8');
const README = readFileSync(`${PACKAGE_DIR}README.md`, 'utf8');

describe('README', () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstBlock = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(firstBlock).toBe(EXAMPLE);
  });

  it('runs the example from the repository root', async () => {
    // The example imports the package by name; point that at the sources so no build is needed.
    const runnable = EXAMPLE.replace("from '@medgpt/tokenizer'", `from '${PACKAGE_DIR}src/index.js'`);
    const file = `${PACKAGE_DIR}src/.quickstart-${process.pid}.ts`;
    await writeFile(file, runnable);
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(
      (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
    );
    const cwd = process.cwd();
    process.chdir(REPO_ROOT);
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      process.chdir(cwd);
      await rm(file, { force: true });
    }
    expect(lines[0]).toContain('发烧39度需要吃什么药？ <|im_end|> true');
    expect(lines).toContain('多喝水，注意休息 😷');
    expect(lines.at(-1)).toMatch(/^\d+ 1$/);
  });
});
