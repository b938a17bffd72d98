import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, type TinyModelOptions } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSession } from '../chat/chat-session.js';
import { InferenceEngine } from '../engine/inference-engine.js';
import type { GenerationChunk } from '../engine/generation-request.js';
import { InferenceSession } from './inference-session.js';

// Gemma 2's chat template as google/gemma-2-2b-it ships it (no system role; the assistant is "model").
const GEMMA_CHAT_TEMPLATE =
  "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}" +
  "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}" +
  "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-families-chat-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

// Wide weights (varied greedy text); windows of 5 keys on the sliding layers, shorter than the prompts.
async function tinyDir(name: string, options: TinyModelOptions): Promise<string> {
  const dir = join(root, name);
  await createTinyModel({ seed: 7, initializerRange: 0.5, numHiddenLayers: 3, ...options }, dir);
  return dir;
}

const collect = async (stream: AsyncIterable<GenerationChunk>) => {
  const ids: number[] = [];
  for await (const c of stream) ids.push(c.tokenId);
  return ids;
};

describe.each([
  {
    name: 'gemma2 with its chat template',
    options: { architecture: 'gemma2', slidingWindow: 5, config: { finalLogitSoftcapping: 3 } },
    template: undefined,
    prompt: '<start_of_turn>user\nFever and cough?<end_of_turn>\n<start_of_turn>model\n',
  },
  {
    name: "baichuan2 (13B: ALiBi, NormHead) with MedicalGPT's baichuan2 template",
    options: { architecture: 'baichuan', config: { positionEncoding: 'alibi' as const, normHead: true } },
    template: 'baichuan2',
    prompt: '<reserved_106>Fever and cough?<reserved_107>',
  },
])('$name', ({ name, options, template, prompt }) => {
  it('chats through the session, and the engine answers as generate() does', async () => {
    const dir = await tinyDir(name.split(' ')[0]!, options);
    if (template === undefined) {
      const file = join(dir, 'tokenizer_config.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify({ ...config, chat_template: GEMMA_CHAT_TEMPLATE }));
    }
    const session = await InferenceSession.load({
      base_model: dir,
      max_new_tokens: 6,
      temperature: 0,
      ...(template ? { template_name: template } : {}),
    });
    const ids = session.promptIds([], 'Fever and cough?', '');
    expect(session.tokenizer.decode(ids)).toContain(prompt);

    const chat = new ChatSession(session, { systemPrompt: '', singleTurn: false });
    const reply = await chat.reply('Fever and cough?', () => {});
    const { texts } = await generate(session.model, [ids], { ...session.generateOptions, maxNewTokens: 6 });
    expect(reply.text).toBe(texts[0]);

    // Continuous batching over slots: three prompts, two slots, each answer equal to generate() alone;
    // with recorded decode steps too (padded batch and key span; eager on cpu).
    const prompts = ['Fever and cough?', 'Hi', 'What helps a headache?'].map((q) =>
      session.promptIds([], q, ''),
    );
    const alone = await Promise.all(
      prompts.map(async (p, i) => {
        const r = await generate(session.model, [p], {
          maxNewTokens: 5 + i,
          doSample: false,
          eosTokenIds: [],
        });
        return r.tokenIds[0];
      }),
    );
    for (const captureDecode of [false, true]) {
      const engine = new InferenceEngine(session.model, {
        tokenizer: session.tokenizer,
        maxSequences: 2,
        maxModelLen: 160,
        captureDecode,
      });
      const answers = await Promise.all(
        prompts.map((p, i) =>
          collect(engine.generate({ promptIds: p, maxTokens: 5 + i, temperature: 0, ignoreEos: true })),
        ),
      );
      expect(answers, `captureDecode ${captureDecode}`).toEqual(alone);
      await engine.close();
    }
    session.dispose();
  });
});
