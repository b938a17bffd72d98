import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/** `Authorization: Bearer <key>` against the server's key, compared in constant time (hashes of equal length). */
export function checkApiKey(req: IncomingMessage, apiKey: string): void {
  const header = req.headers.authorization ?? '';
  const sent = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(sent), digest(apiKey)))
    throw new ApiError(401, 'a valid API key is required: send the header Authorization: Bearer <key>');
}
