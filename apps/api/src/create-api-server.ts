import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiContext, type ApiContext } from './api-context.js';
import type { ApiServerOptions } from './api-server-options.js';
import { ApiError } from './http/api-error.js';
import { checkApiKey } from './http/check-api-key.js';
import { readJsonBody } from './http/read-json-body.js';
import { ragInfo } from './openai/rag-info.js';
import { sendWebFile, WEB_FILES } from './http/web-files.js';
import { chatCompletions } from './openai/chat-completions.js';
import { completions } from './openai/completions.js';

/** A server made by createApiServer: listen, then close (which leaves the engine to its owner). */
export interface ApiServer {
  /** Starts listening; host defaults to 127.0.0.1 (loopback only), port 0 picks a free one. */
  listen(options?: { host?: string; port?: number }): Promise<{ url: string; port: number }>;
  /** Stops taking connections, ends open ones, and resolves once the server is closed. */
  close(): Promise<void>;
  readonly server: Server;
}

type Handler = (ctx: ApiContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const post =
  (fn: (ctx: ApiContext, body: Record<string, unknown>, res: ServerResponse) => Promise<void>): Handler =>
  async (ctx, req, res) =>
    fn(ctx, await readJsonBody(req, ctx.maxBodyBytes), res);

// path -> method -> handler; a known path with another method is a 405.
const ROUTES: Record<string, Record<string, Handler>> = {
  // The chat page and its assets (never behind the API key: the page asks for it).
  ...Object.fromEntries(
    Object.keys(WEB_FILES).map((path): [string, Record<string, Handler>] => [
      path,
      { GET: async (_ctx, _req, res) => sendWebFile(res, path) },
    ]),
  ),
  '/health': { GET: async (ctx, _req, res) => json(res, 200, { status: 'ok', ...ctx.engine.stats }) },
  '/v1/models': { GET: async (ctx, _req, res) => json(res, 200, ctx.models.list()) },
  '/v1/rag': { GET: async (ctx, _req, res) => json(res, 200, ragInfo(ctx.rag)) },
  '/v1/chat/completions': { POST: post(chatCompletions) },
  '/v1/completions': { POST: post(completions) },
};

/**
 * medgpt's OpenAI-compatible server (vLLM's behaviour) over an InferenceEngine, on node:http:
 * GET /health, GET /v1/models, POST /v1/chat/completions, POST /v1/completions, GET /v1/rag (whether
 * chats may ask for `"rag"`), and the web chat page at GET / (its assets under /static/).
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const ctx = apiContext(options);
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => sendError(res, ApiError.from(err)));
  });
  return {
    server,
    listen: ({ host = '127.0.0.1', port = 8000 } = {}) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${shown}:${address.port}`, port: address.port });
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // open streams end (and cancel their requests) instead of holding close
      }),
  };
}

async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const methods = ROUTES[path];
  if (path.startsWith('/v1') && ctx.apiKey !== null && req.method !== 'OPTIONS') checkApiKey(req, ctx.apiKey);
  if (methods === undefined) throw new ApiError(404, `no route ${req.method} ${path}`);
  const handler = methods[req.method ?? ''];
  if (handler === undefined) {
    res.setHeader('allow', Object.keys(methods).join(', '));
    throw new ApiError(
      405,
      `${req.method} is not allowed on ${path}; use ${Object.keys(methods).join(', ')}`,
    );
  }
  await handler(ctx, req, res);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy(); // mid-answer: nothing well-formed can follow
    return;
  }
  // A refused body may still be arriving; close the connection rather than read it all.
  if (err.status === 413) res.setHeader('connection', 'close');
  json(res, err.status, err.toJSON());
}
