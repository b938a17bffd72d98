import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../testing/bundle-cli.js';
import { createForcedReplyModel } from '@medgpt/serving';
import { hasScriptPty, PtyProcess } from '../testing/pty-process.js';
import { CHAT_TEXT } from './run-chat-loop.js';

const cliDir = new URL('../../', import.meta.url).pathname;
// Inside the repository, so the bundle's imports resolve from node_modules.
const cli = join(cliDir, 'node_modules', '.cache', `medgpt-chat-pty-${process.pid}`, 'main.mjs');
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-chat-pty-'));
  await bundleCli(cli);
  // Says "OK" then <|im_end|> after ChatML's generation prompt; the other one says "abab..." forever.
  await createForcedReplyModel(join(root, 'ok'), { after: '\n', reply: 'OK' });
  await createForcedReplyModel(join(root, 'endless'), { after: '\n', reply: 'ab', end: 'a' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(join(cli, '..'), { recursive: true, force: true });
});

function chat(model: string): PtyProcess {
  const argv = [process.execPath, cli, 'chat', '--base_model', join(root, model), '--backend', 'cpu'];
  return new PtyProcess(`${argv.join(' ')} --max_new_tokens 100000`, cliDir);
}

describe.skipIf(!hasScriptPty())('medgpt chat in a terminal (pty)', () => {
  it('streams the answer, stops at eos, clears the history and exits on `exit`', async () => {
    const term = chat('ok');
    try {
      await term.waitFor(CHAT_TEXT.welcome);
      await term.waitFor(CHAT_TEXT.userPrompt);
      term.type('Hello\r');
      await term.waitFor(CHAT_TEXT.assistant);
      // The model then writes <|im_end|>: the answer ends there although 100000 tokens were allowed.
      expect(await term.waitFor(CHAT_TEXT.userPrompt)).toBe(`OK\r\n${CHAT_TEXT.userPrompt}`);
      term.type('clear\r');
      await term.waitFor(CHAT_TEXT.cleared);
      await term.waitFor(CHAT_TEXT.userPrompt);
      term.type('exit\r');
      await term.waitFor(CHAT_TEXT.exiting);
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.kill();
    }
  });

  it('Ctrl-C stops an answer and returns to the prompt; Ctrl-C at the prompt quits', async () => {
    const term = chat('endless');
    try {
      await term.waitFor(CHAT_TEXT.userPrompt);
      term.type('Hello\r');
      await term.waitFor(`${CHAT_TEXT.assistant}abab`);
      term.type('\x03');
      await term.waitFor(`${CHAT_TEXT.interrupted}\r\n${CHAT_TEXT.userPrompt}`);
      term.type('\x03');
      expect(await term.exitCode()).toBe(0);
      expect(term.screen).not.toContain(CHAT_TEXT.exiting);
    } finally {
      term.kill();
    }
  });
});
