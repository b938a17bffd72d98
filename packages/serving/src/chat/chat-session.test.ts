import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate } from '@medgpt/models';
import { loadChatTemplate, type ChatMessage } from '@medgpt/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceSettings } from '../session/inference-settings.js';
import { InferenceSession } from '../session/inference-session.js';
import { createForcedReplyModel } from '../testing/create-forced-reply-model.js';
import { ChatSession } from './chat-session.js';

let root: string;
let tiny: string;
let forced: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-chat-'));
  tiny = join(root, 'tiny');
  forced = join(root, 'forced');
  await createTinyModel({ seed: 0, initializerRange: 0.5 }, tiny); // wide weights: varied greedy text
  // After the `\n` that ends ChatML's generation prompt, or the `:` that ends vicuna's, it says "OK".
  await createForcedReplyModel(forced, { after: '\n:', reply: 'OK' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function load(flags: Partial<InferenceSettings> & { base_model: string }) {
  const log: string[] = [];
  const session = await InferenceSession.load(flags, { log: (line) => void log.push(line) });
  return { session, log };
}

/** The answer the model gives to exactly `messages`, computed without the CLI. */
async function referenceAnswer(session: InferenceSession, messages: ChatMessage[], maxNewTokens: number) {
  const prompt = (await loadChatTemplate(tiny)).render(messages, { addGenerationPrompt: true });
  const { texts } = await generate(session.model, [session.tokenizer.encode(prompt)], {
    maxNewTokens,
    doSample: false,
    tokenizer: session.tokenizer,
  });
  return texts[0]!;
}

describe('ChatSession', () => {
  it('answers each question with the whole conversation so far; clear forgets it', async () => {
    const { session } = await load({ base_model: tiny, max_new_tokens: 6, temperature: 0 });
    const chat = new ChatSession(session, { systemPrompt: 'Be brief.', singleTurn: false });
    let streamed = '';
    const first = await chat.reply('Fever?', (t) => void (streamed += t));
    expect(streamed).toBe(first.text);
    const second = await chat.reply('And cough?', () => {});
    const system = { role: 'system', content: 'Be brief.' };
    expect(second.text).toBe(
      await referenceAnswer(
        session,
        [
          system,
          { role: 'user', content: 'Fever?' },
          { role: 'assistant', content: first.text.trim() },
          { role: 'user', content: 'And cough?' },
        ],
        6,
      ),
    );
    expect(chat.history).toEqual([
      ['Fever?', first.text.trim()],
      ['And cough?', second.text.trim()],
    ]);
    chat.clear();
    const fresh = await chat.reply('And cough?', () => {});
    const alone = await referenceAnswer(session, [system, { role: 'user', content: 'And cough?' }], 6);
    expect(fresh.text).toBe(alone);
    expect(fresh.text).not.toBe(second.text); // the history changed the answer
    session.dispose();
  });

  it('--single_tune keeps one exchange', async () => {
    const { session } = await load({ base_model: tiny, max_new_tokens: 2, temperature: 0 });
    const chat = new ChatSession(session, { systemPrompt: '', singleTurn: true });
    await chat.reply('a', () => {});
    await chat.reply('b', () => {});
    expect(chat.history.map(([q]) => q)).toEqual(['b']);
    session.dispose();
  });

  it('stops at the eos token the model emits, long before max_new_tokens', async () => {
    const { session, log } = await load({ base_model: forced, max_new_tokens: 20 });
    const reply = await new ChatSession(session, { systemPrompt: '', singleTurn: false }).reply(
      'Hi',
      () => {},
    );
    expect(reply).toEqual({ text: 'OK', tokens: 3, end: 'stop' }); // O, K, <|im_end|>
    expect(log.join('\n')).not.toContain('warning');
    session.dispose();
  });

  it('stops at --stop_str, within a token sequence or across tokens, and never prints it', async () => {
    for (const [stopStr, text, tokens] of [
      ['K', 'O', 2],
      ['OK', '', 2],
      ['<|im_end|>', 'OK', 3],
    ] as const) {
      const { session } = await load({ base_model: forced, max_new_tokens: 20, stop_str: stopStr });
      let streamed = '';
      const reply = await new ChatSession(session, { systemPrompt: '', singleTurn: false }).reply(
        'Hi',
        (t) => void (streamed += t),
      );
      expect([reply, streamed]).toEqual([{ text, tokens, end: 'stop' }, text]);
      session.dispose();
    }
  });

  it('stops where interrupted, and leaks no tensor (cache and weights freed)', async () => {
    const before = tf.memory().numTensors;
    const { session } = await load({ base_model: forced, max_new_tokens: 20 });
    const chat = new ChatSession(session, { systemPrompt: '', singleTurn: false });
    let calls = 0;
    const reply = await chat.reply(
      'Hi',
      () => {},
      () => ++calls === 1,
    );
    expect(reply).toEqual({ text: 'O', tokens: 1, end: 'interrupted' });
    expect(chat.history).toEqual([['Hi', 'O']]);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches a stop string that is a special token by its id (special tokens are not printed)', async () => {
    const dir = join(root, 'ends-with-im-start');
    await createForcedReplyModel(dir, { after: '\n', reply: 'OK', end: '<|im_start|>' });
    const answer = async (flags: Partial<InferenceSettings>) => {
      const { session } = await load({ base_model: dir, max_new_tokens: 20, ...flags });
      const chat = new ChatSession(session, { systemPrompt: '', singleTurn: false });
      const reply = await chat.reply('Hi', () => {});
      session.dispose();
      return reply;
    };
    expect(await answer({ stop_str: '<|im_start|>' })).toEqual({ text: 'OK', tokens: 3, end: 'stop' });
    expect(await answer({})).toMatchObject({ tokens: 20, end: 'length' }); // not an eos: it runs on
  });

  it("uses --template_name's prompt and warns when its stop_str is not the tokenizer's eos", async () => {
    const { session, log } = await load({ base_model: forced, max_new_tokens: 20, template_name: 'vicuna' });
    expect(session.format.build([], 'Hi', '')).toBe(
      "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.</s>USER: Hi ASSISTANT:",
    );
    const reply = await new ChatSession(session, { systemPrompt: '', singleTurn: false }).reply(
      'Hi',
      () => {},
    );
    expect(reply.text).toBe('OK');
    expect(log.join('\n')).toContain(
      "warning: template 'vicuna' stop_str '</s>' is not the tokenizer's eos '<|im_end|>'",
    );
    session.dispose();
  });
});
