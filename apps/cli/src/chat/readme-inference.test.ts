import { readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import { main } from '../cli-main.js';
import type { CliIo } from '../cli-io.js';
import { createChatCommand } from '../commands/chat.js';
import { BUILT_IN_EXAMPLES } from '@medgpt/serving';
import { CHAT_TEXT } from './run-chat-loop.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Chat and batch prediction'));
const lines = (/```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '').split('\n').filter(Boolean);
const MODEL = '/tmp/medgpt-tiny';

beforeAll(() => tf.setBackend('cpu'));
afterAll(async () => {
  await rm('/tmp/medgpt-predictions.jsonl', { force: true });
  await rm(MODEL, { recursive: true, force: true });
});

function capture() {
  const out = { text: '' };
  // MEDGPT_BACKEND as a user would set it: the README's lines stay as written.
  const io: CliIo = {
    stdout: (t) => void (out.text += t),
    stderr: (t) => void (out.text += t),
    cwd: process.cwd(),
    env: { MEDGPT_BACKEND: 'cpu' },
  };
  return { io, out };
}

describe('README: chat and batch prediction', () => {
  it('makes a tiny model, predicts the built-in questions and chats, as written', async () => {
    expect(lines[0]).toBe(`node tools/make-tiny-model.mjs ${MODEL}`);
    await createTinyModel({}, MODEL); // what the tool writes with its defaults

    const predictLine = lines[1]!.split(/\s+/).slice(1);
    const predict = capture();
    expect(await main(predictLine, predict.io)).toBe(0);
    const output = (await readFile('/tmp/medgpt-predictions.jsonl', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(output.map((o: { Input: string }) => o.Input)).toEqual([...BUILT_IN_EXAMPLES]);
    expect(predict.out.text).toContain('Saved to /tmp/medgpt-predictions.jsonl, size: 2');

    const [name, ...chatArgs] = lines[2]!.split(/\s+/).slice(1);
    expect(name).toBe('chat');
    const command = createChatCommand({ input: Readable.from(['介绍下北京\nexit\n']) });
    const chat = capture();
    expect(
      await command.run(parseArgs(chatArgs, command.options).options, { io: chat.io, positionals: [] }),
    ).toBe(0);
    expect(chat.out.text).toContain(`${CHAT_TEXT.userPrompt}${CHAT_TEXT.assistant}`);
    expect(chat.out.text).toContain(`${CHAT_TEXT.userPrompt}${CHAT_TEXT.exiting}\n`);
  });
});
