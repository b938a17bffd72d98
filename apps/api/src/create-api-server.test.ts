import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createForcedReplyModel, encodePrompt, InferenceEngine, InferenceSession } from '@medgpt/serving';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from './create-api-server.js';

// Tiny checkpoints with a known greedy answer (distinct bytes: see createForcedReplyModel).
const REPLY = 'Take zinc.'; // after ChatML's `<|im_start|>assistant\n`
const CALL = 'find\n{}'; // glm4's tool-call text, after vicuna's `ASSISTANT:`
const KEY = 'sk-test-key';
const SLOTS = 4;

interface Served {
  session: InferenceSession;
  engine: InferenceEngine;
  server: ApiServer;
  url: string;
}

let root: string;
let chat: Served;
let tools: Served;
let client: OpenAI;
let toolClient: OpenAI;

async function serve(
  dir: string,
  settings: { template_name?: string },
  extra: { toolFormat?: string; apiKey?: string },
): Promise<Served> {
  const session = await InferenceSession.load({ base_model: dir, temperature: 0, ...settings });
  const engine = new InferenceEngine(session.model, {
    tokenizer: session.tokenizer,
    peft: session.peft,
    defaults: session.generateOptions,
    maxSequences: SLOTS,
    maxModelLen: 512,
  });
  const server = createApiServer({
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    stopStrings: session.generateOptions.stopStrings ?? [],
    limits: { maxTokens: 400, maxBodyBytes: 64 * 1024 },
    ...extra,
  });
  const { url } = await server.listen({ port: 0 });
  return { session, engine, server, url };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-api-'));
  await createForcedReplyModel(join(root, 'chat'), { after: '\n', reply: REPLY });
  await createForcedReplyModel(join(root, 'tools'), { after: ':', reply: CALL });
  chat = await serve(join(root, 'chat'), {}, { apiKey: KEY });
  tools = await serve(join(root, 'tools'), { template_name: 'vicuna' }, { toolFormat: 'glm4' });
  client = new OpenAI({ baseURL: `${chat.url}/v1`, apiKey: KEY, maxRetries: 0 });
  toolClient = new OpenAI({ baseURL: `${tools.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  for (const s of [chat, tools]) {
    if (!s) continue;
    await s.server.close();
    await s.engine.close();
    s.session.dispose();
  }
  await rm(root, { recursive: true, force: true });
});

const ASK = [{ role: 'user' as const, content: 'Cold?' }];

/** Tokens the server should count: the prompt as the chat template renders it, the reply and its eos. */
function expectedUsage(s: Served, prompt: string, reply: string) {
  const promptTokens = encodePrompt(s.session.tokenizer, prompt).length;
  const completion = s.session.tokenizer.encode(reply, { addSpecialTokens: false }).length + 1;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  };
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('the OpenAI client against createApiServer', () => {
  it('lists the served model', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['tiny']);
    expect(page.data[0]).toMatchObject({ object: 'model', max_model_len: 512, parent: null });
  });

  it('answers a chat completion whole, with usage', async () => {
    const r = await client.chat.completions.create({ model: 'tiny', messages: ASK });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop' });
    expect(r.choices[0]!.message).toMatchObject({ role: 'assistant', content: REPLY });
    expect(r.usage).toEqual(expectedUsage(chat, chat.session.format.build([], 'Cold?', ''), REPLY));
  });

  it('streams a chat completion: the role first, content deltas, finish_reason, then usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: ASK,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const content = chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('');
    expect(content).toBe(REPLY);
    expect(chunks.length).toBeGreaterThan(3); // token by token, not one block
    const finishes = chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter((f) => f !== null);
    expect(finishes).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(expectedUsage(chat, chat.session.format.build([], 'Cold?', ''), REPLY));
    expect(chunks.slice(0, -1).every((c) => !c.usage)).toBe(true);
  });

  it('answers completions whole and streamed, on the raw prompt', async () => {
    const r = await client.completions.create({ model: 'tiny', prompt: 'Hi\n' });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0]).toMatchObject({ index: 0, text: REPLY, finish_reason: 'stop' });
    expect(r.usage).toEqual(expectedUsage(chat, 'Hi\n', REPLY));
    const stream = await client.completions.create({ model: 'tiny', prompt: 'Hi\n', stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]!.text).join('')).toBe(REPLY);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
  });

  it('n > 1 gives each choice its own index, whole and streamed', async () => {
    const r = await client.chat.completions.create({ model: 'tiny', messages: ASK, n: 3 });
    expect(r.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, REPLY, 'stop'],
      [1, REPLY, 'stop'],
      [2, REPLY, 'stop'],
    ]);
    const stream = await client.chat.completions.create({ model: 'tiny', messages: ASK, n: 2, stream: true });
    const texts = ['', ''];
    const roles = [0, 0];
    for await (const chunk of stream) {
      expect(chunk.choices).toHaveLength(1); // one choice per chunk, as vLLM
      const c = chunk.choices[0]!;
      texts[c.index] += c.delta.content ?? '';
      if (c.delta.role) roles[c.index]! += 1;
    }
    expect(texts).toEqual([REPLY, REPLY]);
    expect(roles).toEqual([1, 1]);
  });

  it('ends at a stop string (left out of the text) and at max_tokens with finish_reason length', async () => {
    const stop = REPLY.slice(5, 7);
    const stopped = await client.chat.completions.create({ model: 'tiny', messages: ASK, stop });
    expect(stopped.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: REPLY.slice(0, 5) },
    });
    const listed = await client.completions.create({ model: 'tiny', prompt: 'Hi\n', stop: ['xx', stop] });
    expect(listed.choices[0]).toMatchObject({ finish_reason: 'stop', text: REPLY.slice(0, 5) });
    const cut = await client.chat.completions.create({ model: 'tiny', messages: ASK, max_tokens: 3 });
    expect(cut.choices[0]).toMatchObject({
      finish_reason: 'length',
      message: { content: REPLY.slice(0, 3) },
    });
    expect(cut.usage!.completion_tokens).toBe(3);
    const cut2 = await client.chat.completions.create({
      model: 'tiny',
      messages: ASK,
      max_completion_tokens: 2,
    });
    expect(cut2.choices[0]!.message.content).toBe(REPLY.slice(0, 2));
  });

  it("parses the model's tool format into tool_calls, whole and streamed", async () => {
    const fn = { name: 'find', description: 'look up', parameters: { type: 'object', properties: {} } };
    const request = {
      model: 'tiny',
      messages: [{ role: 'user' as const, content: 'Where?' }],
      tools: [{ type: 'function' as const, function: fn }],
    };
    const r = await toolClient.chat.completions.create(request);
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    const calls = r.choices[0]!.message.tool_calls!;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: 'function', function: { name: 'find', arguments: '{}' } });
    expect(calls[0]!.id).toMatch(/^chatcmpl-tool-/);
    const stream = await toolClient.chat.completions.create({ ...request, stream: true });
    const deltas = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]!.delta.tool_calls ?? []));
      finish = chunk.choices[0]!.finish_reason ?? finish;
    }
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'find', arguments: '{}' },
    });
    expect(finish).toBe('tool_calls');
    // Without tools the same answer is plain text.
    const plain = await toolClient.chat.completions.create({ model: 'tiny', messages: request.messages });
    expect(plain.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: CALL } });
    // A tool result turn and an earlier call render through the template (the answer is the model's).
    const followUp = await toolClient.chat.completions.create({
      ...request,
      messages: [
        ...request.messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'find', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'Paris' },
      ],
    });
    expect(followUp.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('reports errors as the client surfaces them: 404 model, 400 with the param, 401 key', async () => {
    const unknown = await apiError(client.chat.completions.create({ model: 'gpt-4', messages: ASK }));
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain('`gpt-4` does not exist');
    const path = await apiError(client.chat.completions.create({ model: '../../etc/passwd', messages: ASK }));
    expect(path.status).toBe(404);
    const badType = await apiError(
      client.chat.completions.create({
        model: 'tiny',
        messages: ASK,
        temperature: 'hot' as unknown as number,
      }),
    );
    expect([badType.status, badType.param]).toEqual([400, 'temperature']);
    const badRange = await apiError(
      client.chat.completions.create({ model: 'tiny', messages: ASK, top_p: 2 }),
    );
    expect([badRange.status, badRange.param]).toEqual([400, 'top_p']);
    const tooMany = await apiError(
      client.completions.create({ model: 'tiny', prompt: 'Hi', max_tokens: 401 }),
    );
    expect([tooMany.status, tooMany.param]).toEqual([400, 'max_tokens']);
    const noMessages = await apiError(client.chat.completions.create({ model: 'tiny', messages: [] }));
    expect([noMessages.status, noMessages.param]).toEqual([400, 'messages']);
    const wrongKey = new OpenAI({ baseURL: `${chat.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    const denied = await apiError(wrongKey.models.list());
    expect(denied.status).toBe(401);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await fetch(`${chat.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect((await missing.json()) as unknown).toMatchObject({
      error: { type: 'AuthenticationError', code: 401 },
    });
  });
});

describe('the HTTP layer', () => {
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

  it('frames every streamed event as `data: ...\\n\\n` and ends with `data: [DONE]`', async () => {
    const res = await fetch(`${chat.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'tiny', messages: ASK, stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raw = await res.text();
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = raw.split('\n\n').slice(0, -1);
    expect(events.every((e) => e.startsWith('data: ') && !e.includes('\n'))).toBe(true);
    const json = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { object: string });
    expect(json.every((e) => e.object === 'chat.completion.chunk')).toBe(true);
  });

  it('cancels the generation of a client that goes away mid-stream, and stays healthy', async () => {
    const controller = new AbortController();
    const res = await fetch(`${chat.url}/v1/completions`, {
      method: 'POST',
      headers: auth,
      // ignore_eos: the model runs on past its reply, so the stream is still going when we leave.
      body: JSON.stringify({
        model: 'tiny',
        prompt: 'Hi\n',
        stream: true,
        max_tokens: 400,
        ignore_eos: true,
      }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(chat.engine.stats.running).toBe(1);
    controller.abort();
    await reader.read().catch(() => null);
    const deadline = Date.now() + 10_000;
    while (chat.engine.stats.freeSlots < SLOTS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(chat.engine.stats).toMatchObject({ freeSlots: SLOTS, running: 0, waiting: 0 });
    const health = await fetch(`${chat.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', freeSlots: SLOTS });
    const after = await client.completions.create({ model: 'tiny', prompt: 'Hi\n' });
    expect(after.choices[0]!.text).toBe(REPLY);
  });

  it('answers 404 for an unknown route, 405 for a wrong method, 413 for a body over the limit', async () => {
    const route = await fetch(`${chat.url}/nope`);
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { type: 'NotFoundError', code: 404 } });
    const method = await fetch(`${chat.url}/v1/chat/completions`, { headers: auth });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    const big = await fetch(`${chat.url}/v1/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'tiny', prompt: 'x'.repeat(70 * 1024) }),
    });
    expect(big.status).toBe(413);
    const bad = await fetch(`${chat.url}/v1/completions`, { method: 'POST', headers: auth, body: '{' });
    expect(bad.status).toBe(400);
  });
});
