import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/** The chat page's files (apps/api/web, shipped in the package) by the path the server answers them at. */
export const WEB_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/static/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/static/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
};

/**
 * The page loads only its own script and stylesheet and talks only to this server: no inline code, no
 * other origin, no frames, no forms posting elsewhere. Model output is inserted as text, and this policy
 * keeps an injected `<script>` from running even if that ever broke.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// This module runs from src/http/ (tests, tsx) or bundled into dist/index.js; web/ sits beside both.
const WEB_DIR = ['../../web/', '../web/']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(`${dir}index.html`));

const cache = new Map<string, Buffer>();

/** Sends one of WEB_FILES with its content type and the page's security headers (files read once). */
export async function sendWebFile(res: ServerResponse, path: string): Promise<void> {
  const entry = WEB_FILES[path];
  if (entry === undefined || WEB_DIR === undefined)
    throw new Error(`the web page's files are missing (looked for web/${entry?.file ?? path})`);
  let body = cache.get(entry.file);
  if (body === undefined) {
    body = await readFile(`${WEB_DIR}${entry.file}`);
    cache.set(entry.file, body);
  }
  res.writeHead(200, {
    'content-type': entry.type,
    'content-length': body.length,
    'content-security-policy': WEB_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(body);
}
