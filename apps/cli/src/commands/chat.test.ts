import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import { main } from '../cli-main.js';
import type { CliIo } from '../cli-io.js';
import { CHAT_TEXT } from '../chat/run-chat-loop.js';
import { createForcedReplyModel } from '@medgpt/serving';
import { createChatCommand } from './chat.js';

let root: string;
let forced: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-chat-cmd-'));
  forced = join(root, 'forced');
  await createForcedReplyModel(forced, { after: '\n', reply: 'OK' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Runs `medgpt chat ARGV` with `typed` as what the user types (a pipe, not a terminal). */
async function chat(typed: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: process.cwd(),
    env: {},
  };
  const command = createChatCommand({ input: Readable.from([typed]) });
  const { options } = parseArgs(argv, command.options);
  const code = await command.run(options, { io, positionals: [] });
  return { code, stdout, stderr };
}

describe('medgpt chat', () => {
  it("runs inference.py's loop: answers, refuses an empty line, clears, exits", async () => {
    const { code, stdout, stderr } = await chat(
      'Hello\n\nclear\nHi again\nexit\nnever read\n',
      '--base-model', // kebab-case works as well
      forced,
      '--max_new_tokens',
      '20',
      '--backend',
      'cpu',
    );
    expect(code).toBe(0);
    const { welcome, userPrompt: user, assistant, empty, cleared, exiting } = CHAT_TEXT;
    expect(stdout).toBe(
      `${welcome}\n${user}${assistant}OK\n${user}${empty}\n${user}${cleared}\n` +
        `${user}${assistant}OK\n${user}${exiting}\n`,
    );
    expect(stderr).toContain(
      `[medgpt] model: ${forced} (qwen2, 2 layers); prompt: the tokenizer's chat_template`,
    );
  });

  it('ends at the end of the input as at `exit`', async () => {
    const { code, stdout } = await chat('Hello\n', '--base_model', forced, '--backend', 'cpu');
    expect(code).toBe(0);
    expect(stdout.endsWith(`${CHAT_TEXT.assistant}OK\n${CHAT_TEXT.userPrompt}\n`)).toBe(true);
  });

  it('reports a missing model, an unknown template, a missing adapter and unsupported flags', async () => {
    const run = async (...argv: string[]) => {
      let stderr = '';
      const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: root, env: {} };
      return { code: await main(['chat', '--backend', 'cpu', ...argv], io), stderr };
    };
    const missing = await run('--base_model', join(root, 'none'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(root, 'none'));
    const template = await run('--base_model', forced, '--template_name', 'qwen2');
    expect(template.code).toBe(2);
    expect(template.stderr).toContain('did you mean qwen?');
    const lora = await run('--base_model', forced, '--lora_model', join(root, 'adapter'));
    expect([lora.code, lora.stderr]).toEqual([
      1,
      expect.stringContaining(
        `${join(root, 'adapter', 'adapter_config.json')}: cannot read the adapter config`,
      ),
    ]);
    const quantized = await run('--base_model', forced, '--load_in_4bit', '--load_in_8bit');
    expect([quantized.code, quantized.stderr]).toEqual([
      1,
      expect.stringContaining('load_in_8bit and load_in_4bit: choose one'),
    ]);
    const temperature = await run('--base_model', forced, '--temperature', '-1');
    expect([temperature.code, temperature.stderr]).toEqual([
      2,
      expect.stringContaining('--temperature must be >= 0, got -1'),
    ]);
  });
});
