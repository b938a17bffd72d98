import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/**
 * The request's body parsed as a JSON object. A body over `maxBytes` is refused as soon as it gets
 * there (413, before it is all read), a body that is not a JSON object is a 400.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    parts.push(part);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (err) {
    throw new ApiError(400, `the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `the request body exceeds the server's limit of ${maxBytes} bytes`);
}
