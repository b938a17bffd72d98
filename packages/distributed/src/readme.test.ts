import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './launch/launch.js';
import { bundleChild, removeChild } from '../../../tools/test-support/bundle-child.mjs';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const QUICKSTART = new URL('../examples/quickstart.ts', import.meta.url).pathname;

describe('README', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleChild(QUICKSTART);
  });
  afterAll(async () => {
    if (bundle) await removeChild(bundle);
  });

  it('opens with examples/quickstart.ts, verbatim', () => {
    const firstCode = /```ts\n([\s\S]*?)```/.exec(read('../README.md'))?.[1];
    expect(firstCode).toBe(read('../examples/quickstart.ts'));
  });

  it('runs the quickstart as 2 processes: each rank its rows, the same sum on both', async () => {
    let out = '';
    const result = await launch({
      nprocPerNode: 2,
      command: [process.execPath, bundle],
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      forwardSignals: false,
    });
    expect(result.exitCode, out).toBe(0);
    expect(out.trim().split('\n').sort()).toEqual([
      '[rank 0] rank 0 of 2: rows fever, cough; sum 4,3',
      '[rank 1] rank 1 of 2: rows headache, rash; sum 4,3',
    ]);
  });
});
