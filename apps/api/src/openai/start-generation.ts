import type { ServerResponse } from 'node:http';
import type { GenerationRequest, GenerationStream, InferenceEngine } from '@medgpt/serving';
import { ApiError } from '../http/api-error.js';

/**
 * Queues a request on the engine, cancelled when the client goes away before its answer is sent
 * (the engine frees its slots at once). 429 while `maxWaiting` sequences already wait for a slot.
 */
export function startGeneration(
  engine: InferenceEngine,
  request: Omit<GenerationRequest, 'signal'>,
  res: ServerResponse,
  maxWaiting: number,
): GenerationStream {
  if (engine.stats.waiting >= maxWaiting)
    throw new ApiError(
      429,
      `the server is at capacity (${engine.stats.waiting} sequences waiting); retry later`,
    );
  const controller = new AbortController();
  const stream = engine.generate({ ...request, signal: controller.signal });
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return stream;
}

/** The usage object of a response or of the last stream chunk. */
export function usage(result: { promptTokens: number; completionTokens: number }): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  };
}

/** `stream_options.include_usage`, checked. */
export function includeUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options;
  if (options === undefined || options === null) return false;
  const flag = (options as { include_usage?: unknown }).include_usage;
  if (typeof options !== 'object' || (flag !== undefined && typeof flag !== 'boolean'))
    throw new ApiError(400, 'stream_options must be {"include_usage": boolean}', 'stream_options');
  if (body.stream !== true)
    throw new ApiError(400, 'stream_options is only allowed when stream is true', 'stream_options');
  return flag === true;
}

/** A field this server does not implement, refused rather than ignored. */
export function refuse(body: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    const v = body[key];
    if (v !== undefined && v !== null && v !== false && v !== 0)
      throw new ApiError(400, `${key} is not supported by this server`, key);
  }
}

/** `stream`, checked. */
export function streamFlag(body: Record<string, unknown>): boolean {
  const v = body.stream;
  if (v !== undefined && v !== null && typeof v !== 'boolean')
    throw new ApiError(400, 'stream must be a boolean', 'stream');
  return v === true;
}
