import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './args/parse-args.js';
import { main } from './cli-main.js';
import type { CliIo } from './cli-io.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const root = new URL('../../../', import.meta.url).pathname;

describe('README', () => {
  const previous = process.cwd();
  beforeAll(() => process.chdir(root)); // the example runs from the repository root
  afterAll(() => process.chdir(previous));

  it('opens with commands that run as it says', async () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').filter((line) => line.startsWith('medgpt '));
    expect(commands).toHaveLength(4);
    const results = [];
    for (const line of commands) {
      let out = '';
      const io: CliIo = {
        stdout: (t) => void (out += t),
        stderr: (t) => void (out += t),
        cwd: root,
        env: {},
      };
      results.push({ code: await main(line.split(/\s+/).slice(1), io), out });
    }
    expect(results.map((r) => r.code)).toEqual([1, 0, 0, 0]);
    expect(results[0]!.out).toContain(
      'sharegpt_zh_1K_format.jsonl:59: error: conversations[2].value: the human turn is empty',
    );
    expect(results[0]!.out).toContain('2,300 records in 3 files: 2,298 valid (6 with warnings), 2 invalid');
    expect(results[2]!.out).toContain(
      'Converted 3 samples: apps/cli/examples/alpaca_zh_sample.json -> /tmp/alpaca_zh_sample.jsonl',
    );
    expect(results[3]!.out).toContain('3 records in 1 file: 3 valid');
    expect(existsSync('/tmp/alpaca_zh_sample.jsonl')).toBe(true);
  });

  it('shows examples/hello-command.ts verbatim, and it runs', async () => {
    const example = readFileSync(new URL('../examples/hello-command.ts', import.meta.url), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
    const { helloCommand } = await import('../examples/hello-command.js');
    const { options } = parseArgs(['--model-name-or-path', 'm'], helloCommand.options);
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, cwd: root, env: {} };
    expect(await helloCommand.run(options, { io, positionals: [] })).toBe(0);
    expect(out).toBe('m 64\n');
  });
});
