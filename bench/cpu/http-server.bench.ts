// node:http against fastify for @medgpt/api (issue 15, part 3: "pick fastify or node:http by
// measurement"). Both servers run the same handler shape as apps/api on loopback, without a model, so
// the figures are the HTTP layer's own cost: read and parse a JSON body, then either answer with one
// JSON document or stream `--chunks` SSE events (`data: {...}\n\n`, then `data: [DONE]`), one per turn
// of the event loop as the engine delivers tokens. fastify streams the way a port of apps/api would:
// `reply.hijack()` and writes on the raw response (its own reply.send of a stream adds a Readable per
// request). Concurrent clients (undici's fetch, keep-alive) send a fixed number of requests; the two
// servers take turns, `--rounds` times each, and the table shows the median round.
//
//   node bench/run.mjs --only http-server [--quick] [--requests 2000] [--clients 64] [--chunks 32]
//                      [--rounds 3]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import {
  emitJson,
  fmtRatio,
  machine,
  median,
  percentile,
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
    chunks: { type: 'string', default: '32' },
    rounds: { type: 'string' },
  },
});
const quick = values.quick === true;
const int = (v: unknown, fallback: number) => (v === undefined ? fallback : Number.parseInt(String(v), 10));
const REQUESTS = int(values.requests, quick ? 500 : 2000);
const CLIENTS = int(values.clients, 64);
const CHUNKS = int(values.chunks, 32);
const ROUNDS = int(values.rounds, quick ? 1 : 3);

interface ChatBody {
  messages: { role: string; content: string }[];
  stream?: boolean;
}

/** The events of one answer: what apps/api writes for a streamed chat completion, token by token. */
function chunk(id: string, i: number): string {
  const delta = i === 0 ? { role: 'assistant', content: '' } : { content: ` word${i}` };
  const finish = i === CHUNKS - 1 ? 'length' : null;
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1_765_000_000,
    model: 'tiny',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

function completion(id: string): string {
  const content = Array.from({ length: CHUNKS - 1 }, (_, i) => ` word${i + 1}`).join('');
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created: 1_765_000_000,
    model: 'tiny',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'length' }],
    usage: { prompt_tokens: 12, completion_tokens: CHUNKS - 1, total_tokens: 12 + CHUNKS - 1 },
  });
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/** Writes the events one per turn of the event loop; stops when the client has gone. */
async function streamEvents(res: ServerResponse, id: string): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  for (let i = 0; i < CHUNKS && !res.destroyed; i++) {
    res.write(`data: ${chunk(id, i)}\n\n`);
    await nextTurn();
  }
  res.end('data: [DONE]\n\n');
}

/** The body as apps/api's readJsonBody reads it: the request's async iterator. */
async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

/** The body from 'data' and 'end' events, as fastify's parser reads it. */
function readBodyEvents(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

let served = 0;
const nextId = () => `chatcmpl-${(served++).toString(16)}`;

function nodeHttpServer(read: (req: IncomingMessage) => Promise<string>) {
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    void read(req).then(async (text) => {
      const body = JSON.parse(text) as ChatBody;
      if (body.stream === true) return streamEvents(res, nextId());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(nextId()));
    });
  });
}

function fastifyServer() {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as ChatBody;
    if (body.stream === true) {
      reply.hijack();
      await streamEvents(reply.raw, nextId());
      return;
    }
    reply.header('content-type', 'application/json');
    return completion(nextId());
  });
  return app;
}

interface Server {
  readonly url: string;
  close(): Promise<void>;
}

async function startNodeHttp(read: (req: IncomingMessage) => Promise<string>): Promise<Server> {
  const server = nodeHttpServer(read);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function startFastify(): Promise<Server> {
  const app = fastifyServer();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

interface Phase {
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  ttftP50Ms: number;
  bad: number;
}

/** REQUESTS requests from CLIENTS concurrent clients; a request is bad unless its answer is complete. */
async function load(url: string, stream: boolean): Promise<Phase> {
  const totals: number[] = [];
  const firsts: number[] = [];
  let bad = 0;
  let next = 0;
  const one = async (i: number) => {
    const started = performance.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: `question ${i}` }], stream }),
    });
    let text = '';
    const decoder = new TextDecoder();
    for await (const part of res.body as AsyncIterable<Uint8Array>) {
      if (text === '') firsts.push(performance.now() - started);
      text += decoder.decode(part, { stream: true });
    }
    totals.push(performance.now() - started);
    const complete = stream
      ? text.endsWith('data: [DONE]\n\n') && text.split('\n\n').length === CHUNKS + 2
      : (JSON.parse(text) as { usage?: { completion_tokens: number } }).usage?.completion_tokens ===
        CHUNKS - 1;
    if (res.status !== 200 || !complete) bad++;
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < REQUESTS; i = next++) await one(i);
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  return {
    reqPerS: REQUESTS / wallS,
    p50Ms: percentile(totals, 50),
    p99Ms: percentile(totals, 99),
    ttftP50Ms: percentile(firsts, 50),
    bad,
  };
}

const STACKS = {
  'node:http': () => startNodeHttp(readBody),
  'node:http, body by events': () => startNodeHttp(readBodyEvents),
  fastify: startFastify,
} as const;
type StackName = keyof typeof STACKS;

async function main(): Promise<void> {
  const args: BenchArgs = { backends: [], quick, only: null, profile: false };
  const m = machine();
  printHeader('http-server: node:http vs fastify for the API layer (no model)', args, m);
  console.log(
    `${REQUESTS} requests per phase from ${CLIENTS} concurrent clients; streamed answers are ${CHUNKS} SSE ` +
      `events (one per event-loop turn) + [DONE]; fastify ${Fastify().version}; ${ROUNDS} round(s), median shown`,
  );
  const results: Record<string, Phase[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(STACKS) as StackName[]) {
      const server = await STACKS[name]();
      try {
        await load(server.url, true); // warm-up: JIT, keep-alive sockets
        for (const stream of [true, false]) {
          (results[`${name} ${stream ? 'stream' : 'json'}`] ??= []).push(await load(server.url, stream));
        }
      } finally {
        await server.close();
      }
    }
  }
  const medianOf = (key: string): Phase => {
    const runs = results[key]!;
    const pick = (f: (p: Phase) => number) => median(runs.map(f));
    return {
      reqPerS: pick((p) => p.reqPerS),
      p50Ms: pick((p) => p.p50Ms),
      p99Ms: pick((p) => p.p99Ms),
      ttftP50Ms: pick((p) => p.ttftP50Ms),
      bad: runs.reduce((n, p) => n + p.bad, 0),
    };
  };
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const kind of ['stream', 'json']) {
    const base = medianOf(`node:http ${kind}`);
    for (const name of Object.keys(STACKS) as StackName[]) {
      const p = medianOf(`${name} ${kind}`);
      rows.push([
        name,
        kind === 'stream' ? `SSE (${CHUNKS} events)` : 'JSON',
        p.reqPerS.toFixed(0),
        fmtRatio(p.reqPerS / base.reqPerS),
        p.ttftP50Ms.toFixed(2),
        p.p50Ms.toFixed(2),
        p.p99Ms.toFixed(2),
        String(p.bad),
      ]);
      json.push({
        stack: name,
        kind,
        reqPerS: round(p.reqPerS),
        p50Ms: round(p.p50Ms),
        p99Ms: round(p.p99Ms),
        ttftP50Ms: round(p.ttftP50Ms),
        bad: p.bad,
      });
    }
  }
  printTable(
    ['server', 'answer', 'req/s', 'vs node:http', 'first byte p50 ms', 'total p50 ms', 'total p99 ms', 'bad'],
    rows,
  );
  emitJson('http-server', args, m, {
    requests: REQUESTS,
    clients: CLIENTS,
    chunks: CHUNKS,
    rounds: ROUNDS,
    rows: json,
  });
  if (json.some((r) => (r.bad as number) > 0)) {
    console.error('http-server: some answers were incomplete');
    process.exitCode = 1;
  }
}

await main();
