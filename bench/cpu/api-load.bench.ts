// Load on @medgpt/api (issue 15, part 6): many streaming clients on loopback against a tiny random
// model served by createApiServer over the continuous-batching engine, against a baseline measured in
// the same run: the same kind of requests sent one at a time. Not a test (apps/api's
// concurrent-streams.test.ts checks the same scenario for correctness); it prints numbers, and exits 1
// if a stream was lost, broken or duplicated. Results: bench/RESULTS.md.
//
//   node bench/run.mjs --only api-load [--quick] [--requests 512] [--clients 64] [--slots 64]
//                      [--max-tokens 16] [--sequential 32] [--backend cpu|wasm]
//
// Per request: time to first token (TTFT: request sent -> first SSE event, which the server writes when
// the first token is decoded), total latency (-> `data: [DONE]`), completion tokens (the usage chunk).
// Aggregate tokens/s and requests/s are over the phase's wall time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiServer } from '@medgpt/api';
import { selectBackend } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { InferenceEngine, InferenceSession } from '@medgpt/serving';
import {
  emitJson,
  percentile,
  machine,
  printHeader,
  printTable,
  round,
  type BenchArgs,
} from '../lib/harness.js';

const { values } = parseArgs({
  strict: false,
  options: {
    quick: { type: 'boolean', default: false },
    requests: { type: 'string' },
    clients: { type: 'string', default: '64' },
    slots: { type: 'string', default: '64' },
    'max-tokens': { type: 'string', default: '16' },
    sequential: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const quick = values.quick === true;
const int = (v: unknown, fallback: number) => (v === undefined ? fallback : Number.parseInt(String(v), 10));
const REQUESTS = int(values.requests, quick ? 128 : 512);
const CLIENTS = int(values.clients, 64);
const SLOTS = int(values.slots, 64);
const MAX_TOKENS = int(values['max-tokens'], 16);
const SEQUENTIAL = int(values.sequential, quick ? 16 : 32);
const BACKEND = String(values.backend) as 'cpu' | 'wasm';

interface Sample {
  ttftMs: number;
  totalMs: number;
  tokens: number;
  id: string;
  ok: boolean;
}

async function main(): Promise<void> {
  await selectBackend({ backend: BACKEND });
  const args: BenchArgs = { backends: [BACKEND], quick, only: null, profile: false };
  const m = machine();
  printHeader('api-load: concurrent streaming clients on loopback', args, m);
  const root = await mkdtemp(join(tmpdir(), 'medgpt-api-load-'));
  // The tiny model of apps/api's load test (hidden 64, 2 layers, byte vocabulary): the figures are the
  // server's and the engine's overhead more than the model's arithmetic.
  await createTinyModel({ architecture: 'qwen2', seed: 3, initializerRange: 0.5 }, join(root, 'model'));
  const session = await InferenceSession.load({ base_model: join(root, 'model'), temperature: 0 });
  const engine = new InferenceEngine(session.model, {
    tokenizer: session.tokenizer,
    defaults: session.generateOptions,
    maxSequences: SLOTS,
    maxModelLen: 256,
  });
  const server = createApiServer({
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    stopStrings: session.generateOptions.stopStrings ?? [],
    limits: { maxWaiting: REQUESTS },
  });
  const { url } = await server.listen({ port: 0 });

  /** One streamed request, timed; ok when it ends with [DONE] after one finish_reason and the usage. */
  async function request(i: number): Promise<Sample> {
    const started = performance.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'tiny',
        messages: [{ role: 'user', content: `Patient ${i}: which test for symptom ${(i * 7) % 13}?` }],
        temperature: 0,
        max_tokens: MAX_TOKENS,
        // Greedy answers may end early at eos; ignoring it keeps every request MAX_TOKENS long.
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    let ttftMs = NaN;
    let text = '';
    const decoder = new TextDecoder();
    for await (const part of res.body as AsyncIterable<Uint8Array>) {
      if (Number.isNaN(ttftMs)) ttftMs = performance.now() - started;
      text += decoder.decode(part, { stream: true });
    }
    const totalMs = performance.now() - started;
    const events = text.split('\n\n').filter((e) => e !== '');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    const ids = new Set(chunks.map((c) => c.id as string));
    const finishes = chunks.flatMap((c) => c.choices).filter((c) => c.finish_reason !== null);
    const tokens = chunks.at(-1)?.usage?.completion_tokens ?? 0;
    const ok =
      res.status === 200 && events.at(-1) === 'data: [DONE]' && ids.size === 1 && finishes.length === 1;
    return { ttftMs, totalMs, tokens, id: [...ids][0] ?? '', ok };
  }

  async function phase(count: number, clients: number, offset: number) {
    const samples: Sample[] = new Array(count);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < count; i = next++) samples[i] = await request(offset + i);
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    const tokens = samples.reduce((n, s) => n + s.tokens, 0);
    return {
      requests: count,
      clients,
      wallS: round(wallS),
      ttftP50: round(
        percentile(
          samples.map((s) => s.ttftMs),
          50,
        ),
      ),
      ttftP99: round(
        percentile(
          samples.map((s) => s.ttftMs),
          99,
        ),
      ),
      totalP50: round(
        percentile(
          samples.map((s) => s.totalMs),
          50,
        ),
      ),
      totalP99: round(
        percentile(
          samples.map((s) => s.totalMs),
          99,
        ),
      ),
      tokensPerS: round(tokens / wallS),
      requestsPerS: round(count / wallS),
      tokens,
      failed: samples.filter((s) => !s.ok).length,
      duplicateIds: count - new Set(samples.map((s) => s.id)).size,
    };
  }

  try {
    await phase(Math.min(8, SLOTS), Math.min(8, SLOTS), 10_000); // warm-up: JIT, first kernels
    const sequential = await phase(SEQUENTIAL, 1, 20_000);
    const concurrent = await phase(REQUESTS, CLIENTS, 0);
    const idle = engine.stats;
    console.log(
      `model: tiny qwen2 (hidden 64, 2 layers), backend ${BACKEND}, engine slots ${SLOTS}, ` +
        `max_tokens ${MAX_TOKENS} (ignore_eos), prompts ~40 tokens through ChatML`,
    );
    const row = (name: string, p: typeof concurrent) => [
      name,
      String(p.requests),
      String(p.clients),
      p.ttftP50.toFixed(1),
      p.ttftP99.toFixed(1),
      p.totalP50.toFixed(1),
      p.totalP99.toFixed(1),
      String(p.tokensPerS),
      String(p.requestsPerS),
      String(p.failed + p.duplicateIds),
    ];
    printTable(
      [
        'phase',
        'requests',
        'clients',
        'TTFT p50 ms',
        'TTFT p99 ms',
        'total p50 ms',
        'total p99 ms',
        'tokens/s',
        'req/s',
        'lost/dup',
      ],
      [row('sequential (baseline)', sequential), row('concurrent', concurrent)],
    );
    const ratios = {
      tokensPerS: round(concurrent.tokensPerS / sequential.tokensPerS),
      requestsPerS: round(concurrent.requestsPerS / sequential.requestsPerS),
      ttftP50: round(concurrent.ttftP50 / sequential.ttftP50),
      totalP50: round(concurrent.totalP50 / sequential.totalP50),
    };
    console.log(
      `concurrent / sequential: tokens/s ${ratios.tokensPerS}x, requests/s ${ratios.requestsPerS}x, ` +
        `TTFT p50 ${ratios.ttftP50}x, total p50 ${ratios.totalP50}x; engine after: ${JSON.stringify(idle)}`,
    );
    emitJson('api-load', args, m, {
      slots: SLOTS,
      maxTokens: MAX_TOKENS,
      sequential,
      concurrent,
      ratios,
      engineAfter: idle,
    });
    const broken = sequential.failed + concurrent.failed + sequential.duplicateIds + concurrent.duplicateIds;
    if (broken > 0 || idle.running !== 0 || idle.waiting !== 0 || idle.freeSlots !== SLOTS) {
      console.log(
        `api-load: FAILED: ${broken} streams lost, broken or duplicated, or the engine is not idle`,
      );
      process.exitCode = 1;
    }
  } finally {
    await server.close();
    await engine.close();
    session.dispose();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
