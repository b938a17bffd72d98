import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { InferenceEngine, InferenceSession } from '@medgpt/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from './create-api-server.js';

// Issue 15's load scenario as a correctness test (not timed; bench/cpu/api-load.bench.ts times it): 64
// streaming clients on loopback share 128 requests, more than the engine's slots, so requests queue,
// join and leave the running batch.
const CLIENTS = 64;
const REQUESTS = 128;
const MAX_TOKENS = 8;
const SLOTS = 16;

let root: string;
let session: InferenceSession;
let engine: InferenceEngine;
let server: ApiServer;
let url: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-load-'));
  // A random model with large weights (at the default 0.02 the answer hardly depends on the prompt):
  // most prompts get their own greedy answer, so a mixed-up stream shows.
  await createTinyModel({ architecture: 'qwen2', seed: 3, initializerRange: 0.5 }, join(root, 'model'));
  session = await InferenceSession.load({ base_model: join(root, 'model'), temperature: 0 });
  engine = new InferenceEngine(session.model, {
    tokenizer: session.tokenizer,
    defaults: session.generateOptions,
    maxSequences: SLOTS,
    maxModelLen: 256,
  });
  server = createApiServer({
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    stopStrings: session.generateOptions.stopStrings ?? [],
  });
  ({ url } = await server.listen({ port: 0 }));
});

afterAll(async () => {
  await server?.close();
  await engine?.close();
  session?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

const body = (i: number, stream: boolean) =>
  JSON.stringify({
    model: 'tiny',
    messages: [{ role: 'user', content: `Patient ${i}: which test for symptom ${(i * 7) % 13}?` }],
    temperature: 0,
    max_tokens: MAX_TOKENS,
    stream,
  });

const post = (payload: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
  });

interface Streamed {
  ids: Set<string>;
  content: string;
  finish: (string | null)[];
  events: string[];
}

/** One streamed request, read event by event as a client reads it. */
async function stream(i: number): Promise<Streamed> {
  const res = await post(body(i, true));
  expect(res.status).toBe(200);
  const events = (await res.text()).split('\n\n');
  expect(events.pop()).toBe(''); // the body ends with a whole event
  const out: Streamed = { ids: new Set(), content: '', finish: [], events };
  for (const event of events) {
    expect(event.startsWith('data: ')).toBe(true);
    if (event === 'data: [DONE]') continue;
    const chunk = JSON.parse(event.slice('data: '.length));
    out.ids.add(chunk.id);
    for (const c of chunk.choices) {
      out.content += c.delta.content ?? '';
      if (c.finish_reason) out.finish.push(c.finish_reason);
    }
  }
  return out;
}

describe('64 concurrent streaming clients', () => {
  it('lose and duplicate nothing: every stream is its own prompt’s whole greedy answer, ending in [DONE]', async () => {
    // The answers each prompt gets alone, whole: what every stream must carry.
    const expected: { content: string; finish: string }[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const r = (await (await post(body(i, false))).json()) as {
        choices: { message: { content: string }; finish_reason: string }[];
      };
      expected.push({ content: r.choices[0]!.message.content, finish: r.choices[0]!.finish_reason });
    }
    expect(new Set(expected.map((e) => e.content)).size).toBeGreaterThan(REQUESTS / 2); // prompts differ

    let maxRunning = 0;
    let maxWaiting = 0;
    const watch = setInterval(() => {
      maxRunning = Math.max(maxRunning, engine.stats.running);
      maxWaiting = Math.max(maxWaiting, engine.stats.waiting);
    }, 5);
    const results: Streamed[] = new Array(REQUESTS);
    let next = 0;
    const client = async () => {
      for (let i = next++; i < REQUESTS; i = next++) results[i] = await stream(i);
    };
    try {
      await Promise.all(Array.from({ length: CLIENTS }, client));
    } finally {
      clearInterval(watch);
    }

    // Sampled between engine steps: several sequences decoded together while others queued.
    expect(maxRunning).toBeGreaterThan(SLOTS / 2);
    expect(maxWaiting).toBeGreaterThan(0);
    const ids = new Set<string>();
    results.forEach((r, i) => {
      expect(r.events.at(-1)).toBe('data: [DONE]');
      expect(r.events.filter((e) => e === 'data: [DONE]')).toHaveLength(1);
      expect(r.ids.size).toBe(1); // one id per stream
      ids.add([...r.ids][0]!);
      expect({ i, content: r.content, finish: r.finish }).toEqual({
        i,
        content: expected[i]!.content,
        finish: [expected[i]!.finish],
      });
    });
    expect(ids.size).toBe(REQUESTS); // no id shared between streams
    const idle = { slots: SLOTS, freeSlots: SLOTS, running: 0, waiting: 0 };
    // cpu: decode steps run eagerly (only a backend that records steps replays them).
    const capturedDecode = { enabled: false, error: null };
    expect(engine.stats).toEqual({ ...idle, capturedDecode });
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toEqual({ status: 'ok', ...idle, capturedDecode });
  });
});
