import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import {
  citeLastUserTurn,
  createForcedReplyModel,
  encodePrompt,
  InferenceEngine,
  InferenceSession,
  NO_PASSAGES_REPLY,
  type Retriever,
} from '@medgpt/serving';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from './create-api-server.js';
import type { ApiSource } from './openai/cite-documents.js';

// `"rag"` on the chat endpoint: the tiny model answers REPLY whatever the prompt, so what it was asked
// is seen through usage.prompt_tokens, which must count the cited prompt exactly.
const REPLY = 'Take zinc.';
const MAX_CHARS = 400;

// A small corpus behind a keyword retriever (any function of this shape plugs in: BM25, dense, fused).
// The sources are server paths; the API must send only the file names.
const CORPUS = [
  { id: 0, source: '/srv/private/docs/fever.txt', line: 3, text: 'Fever: drink fluids and rest.' },
  { id: 1, source: '/srv/private/docs/cough.md', line: 7, text: 'Cough: honey in warm tea.' },
  { id: 2, source: '/srv/private/docs/fever.txt', line: 9, text: 'A fever over 39 C needs a doctor.' },
  // A PDF's passage has its page, which the API passes on (the page cites it as `file p.N`).
  {
    id: 3,
    source: '/srv/private/docs/rash.pdf',
    page: 2,
    line: 4,
    text: 'Rash: keep the skin cool and dry.',
  },
];
const asked: [string, number][] = [];
const retriever: Retriever = {
  search: async (question, k) => retrieve(question, k),
};
function retrieve(question: string, k: number) {
  asked.push([question, k]);
  const words = question.toLowerCase().match(/[a-z]+/g) ?? [];
  return CORPUS.filter((p) => words.some((w) => w.length > 3 && p.text.toLowerCase().includes(w)))
    .slice(0, k)
    .map((passage) => ({ passage, score: 1 }));
}

let root: string;
let session: InferenceSession;
let engine: InferenceEngine;
let withDocs: ApiServer;
let noDocs: ApiServer;
let client: OpenAI;
let plainClient: OpenAI;
let url: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-api-rag-'));
  await createForcedReplyModel(join(root, 'model'), { after: '\n', reply: REPLY });
  session = await InferenceSession.load({ base_model: join(root, 'model'), temperature: 0 });
  engine = new InferenceEngine(session.model, {
    tokenizer: session.tokenizer,
    defaults: session.generateOptions,
    maxSequences: 2,
    maxModelLen: 1024,
  });
  const options = {
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    stopStrings: session.generateOptions.stopStrings ?? [],
  };
  // Two servers over one engine: one with documents, one without.
  withDocs = createApiServer({
    ...options,
    rag: { retriever, passages: CORPUS.length, topN: 2, maxChars: MAX_CHARS },
  });
  noDocs = createApiServer(options);
  url = (await withDocs.listen({ port: 0 })).url;
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  plainClient = new OpenAI({
    baseURL: `${(await noDocs.listen({ port: 0 })).url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
  });
});

afterAll(async () => {
  await withDocs?.close();
  await noDocs?.close();
  await engine?.close();
  session?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/** Chat params with medgpt's extension: the openai client sends fields it does not know as they are. */
function chat(messages: Message[], rag: unknown, extra: object = {}) {
  return { model: 'tiny', messages, rag, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming;
}
function chatStream(messages: Message[], rag: unknown, extra: object = {}) {
  return { ...chat(messages, rag, extra), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming;
}
const sourcesOf = (r: object) => (r as { sources?: ApiSource[] }).sources;

/** Prompt tokens of the chat as the template renders it; `question` is what the last user turn says. */
function promptTokens(history: [string, string][], question: string): number {
  return encodePrompt(session.tokenizer, session.format.build(history, question, '')).length;
}

/** The cited prompt the server should have put in the last user turn. */
async function citedPrompt(messages: Message[], topn: number): Promise<string> {
  const cited = await citeLastUserTurn(
    messages,
    { search: (q, k) => retrieve(q, k) },
    {
      topn,
      maxChars: MAX_CHARS,
    },
  );
  return cited.messages.at(-1)!.content;
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('"rag" on POST /v1/chat/completions', () => {
  const ASK: Message[] = [{ role: 'user', content: 'What helps a fever?' }];

  it('answers from the passages, which the model saw, and returns them as sources by file name', async () => {
    asked.length = 0;
    const r = await client.chat.completions.create(chat(ASK, true));
    expect(asked).toEqual([['What helps a fever?', 2]]); // the server's default top_n
    expect(r.choices[0]!.message.content).toBe(REPLY);
    expect(sourcesOf(r)).toEqual([
      { n: 1, source: 'fever.txt', line: 3, text: 'Fever: drink fluids and rest.' },
      { n: 2, source: 'fever.txt', line: 9, text: 'A fever over 39 C needs a doctor.' },
    ]);
    expect(JSON.stringify(r)).not.toContain('/srv/private');
    const prompt = await citedPrompt(ASK, 2);
    expect(prompt).toContain('[1] Fever: drink fluids and rest.\n[2] A fever over 39 C needs a doctor.');
    expect(prompt).toMatch(/What helps a fever\?$/);
    expect(r.usage!.prompt_tokens).toBe(promptTokens([], prompt));
    // Without rag: the bare question, far fewer tokens, and no sources field.
    const plain = await client.chat.completions.create(chat(ASK, false));
    expect(plain.usage!.prompt_tokens).toBe(promptTokens([], ASK[0]!.content));
    expect(plain.usage!.prompt_tokens).toBeLessThan(r.usage!.prompt_tokens - 20);
    expect(sourcesOf(plain)).toBeUndefined();
  });

  it('streams the sources on the first chunk (the role chunk) only', async () => {
    const stream = await client.chat.completions.create(
      chatStream(ASK, { top_n: 1 }, { stream_options: { include_usage: true } }),
    );
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(sourcesOf(chunks[0]!)).toEqual([
      { n: 1, source: 'fever.txt', line: 3, text: 'Fever: drink fluids and rest.' },
    ]);
    expect(chunks.slice(1).every((c) => sourcesOf(c) === undefined)).toBe(true);
    expect(chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('')).toBe(REPLY);
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBe(promptTokens([], await citedPrompt(ASK, 1)));
  });

  it('keeps the earlier turns, retrieves with the last question, and takes n > 1', async () => {
    asked.length = 0;
    const messages: Message[] = [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi.' },
      { role: 'user', content: 'And a cough?' },
    ];
    const r = await client.chat.completions.create(chat(messages, { top_n: 3 }, { n: 2 }));
    expect(asked).toEqual([['And a cough?', 3]]);
    expect(r.choices.map((c) => c.message.content)).toEqual([REPLY, REPLY]);
    expect(sourcesOf(r)).toEqual([{ n: 1, source: 'cough.md', line: 7, text: 'Cough: honey in warm tea.' }]);
    expect(r.usage!.prompt_tokens).toBe(promptTokens([['Hello', 'Hi.']], await citedPrompt(messages, 3)));
  });

  it('retrieves with a question sent as text parts, joined as the prompt joins them', async () => {
    asked.length = 0;
    const parts = [
      { type: 'text', text: 'Cough' },
      { type: 'text', text: 'remedies?' },
    ];
    const r = await client.chat.completions.create(
      chat([{ role: 'user', content: parts }] as unknown as Message[], true),
    );
    expect(asked).toEqual([['Cough\nremedies?', 2]]);
    expect(sourcesOf(r)!.map((s) => s.source)).toEqual(['cough.md']);
  });

  it('passes on the page of a PDF passage', async () => {
    const r = await client.chat.completions.create(chat([{ role: 'user', content: 'A rash?' }], true));
    expect(sourcesOf(r)).toEqual([
      { n: 1, source: 'rash.pdf', page: 2, line: 4, text: 'Rash: keep the skin cool and dry.' },
    ]);
  });

  it("gives chatpdf's 'not enough information' reply, without the model, when nothing is retrieved", async () => {
    const nothing: Message[] = [{ role: 'user', content: 'Why?' }];
    const r = await client.chat.completions.create(chat(nothing, true, { n: 2 }));
    expect(r.choices.map((c) => [c.message.content, c.finish_reason])).toEqual([
      [NO_PASSAGES_REPLY, 'stop'],
      [NO_PASSAGES_REPLY, 'stop'],
    ]);
    expect(sourcesOf(r)).toEqual([]);
    expect(r.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    const stream = await client.chat.completions.create(chatStream(nothing, true));
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(sourcesOf(chunks[0]!)).toEqual([]);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe(NO_PASSAGES_REPLY);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('refuses a bad rag value, naming the field, and rag on a server without documents', async () => {
    for (const [rag, param] of [
      ['yes', 'rag'],
      [[1], 'rag'],
      [{ top_k: 3 }, 'rag'],
      [{ top_n: 0 }, 'rag.top_n'],
      [{ top_n: 2.5 }, 'rag.top_n'],
    ] as const) {
      const err = await apiError(client.chat.completions.create(chat(ASK, rag)));
      expect([err.status, err.param, rag]).toEqual([400, param, rag]);
      expect(err.message).toMatch(/rag(\.top_n)? (must be|has no field)/);
    }
    const none = await apiError(plainClient.chat.completions.create(chat(ASK, true)));
    expect([none.status, none.param]).toEqual([400, 'rag']);
    expect(none.message).toContain('this server has no documents to answer from');
    expect(none.error).toMatchObject({ type: 'BadRequestError', code: 400 });
    // Off is off, with or without documents.
    const off = await plainClient.chat.completions.create(chat(ASK, null));
    expect(off.choices[0]!.message.content).toBe(REPLY);
  });

  it('refuses a question too long to cite passages for, naming messages', async () => {
    const long: Message[] = [{ role: 'user', content: `fever ${'x'.repeat(MAX_CHARS)}` }];
    const err = await apiError(client.chat.completions.create(chat(long, true)));
    expect([err.status, err.param]).toEqual([400, 'messages']);
    expect(err.message).toMatch(/question does not fit the 400-character prompt/);
  });

  it('GET /v1/rag says whether documents are loaded', async () => {
    expect(await (await fetch(`${url}/v1/rag`)).json()).toEqual({
      object: 'rag',
      enabled: true,
      passages: 4,
      top_n: 2,
      max_chars: MAX_CHARS,
    });
    const off = await fetch(`${plainClient.baseURL}/rag`);
    expect(await off.json()).toEqual({
      object: 'rag',
      enabled: false,
      passages: null,
      top_n: null,
      max_chars: null,
    });
  });
});
