import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { encodePrompt, type GenerationStream } from '@medgpt/serving';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../http/api-error.js';
import { SseWriter } from '../http/sse-writer.js';
import { readSamplingParams } from './read-sampling-params.js';
import { includeUsage, refuse, startGeneration, streamFlag, usage } from './start-generation.js';

/**
 * POST /v1/completions: a raw prompt (a string, a one-string list, or token ids), no chat template;
 * answered whole or streamed as `text_completion` chunks, each choice ending with its finish_reason.
 */
export async function completions(
  ctx: ApiContext,
  body: Record<string, unknown>,
  res: ServerResponse,
): Promise<void> {
  refuse(body, ['logprobs', 'echo', 'suffix', 'best_of', 'logit_bias']);
  const adapter = ctx.models.adapterFor(body.model);
  const stream = streamFlag(body);
  const withUsage = includeUsage(body);
  const promptIds = readPrompt(ctx, body.prompt);
  const params = readSamplingParams(body, ctx.maxTokens, ctx.stopStrings);
  const generation = startGeneration(ctx.engine, { ...params, promptIds, adapter }, res, ctx.maxWaiting);
  const head = {
    id: `cmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : ctx.models.base,
  };
  if (stream) await streamText(generation, head, withUsage, new SseWriter(res));
  else {
    const result = await generation.result;
    if (res.destroyed) return;
    const choices = result.choices.map((c) => ({
      index: c.index,
      text: c.text,
      logprobs: null,
      finish_reason: c.finishReason,
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...head, choices, usage: usage(result) }));
  }
}

async function streamText(
  generation: GenerationStream,
  head: object,
  withUsage: boolean,
  sse: SseWriter,
): Promise<void> {
  try {
    for await (const c of generation) {
      if (sse.closed) break; // leaving the loop cancels the request
      if (c.text || c.finishReason !== null)
        sse.send({
          ...head,
          choices: [{ index: c.index, text: c.text, logprobs: null, finish_reason: c.finishReason }],
        });
    }
    if (sse.closed) return;
    const result = await generation.result;
    if (withUsage) sse.send({ ...head, choices: [], usage: usage(result) });
  } catch (err) {
    sse.send(ApiError.from(err).toJSON());
  }
  sse.done();
}

// One prompt: vLLM's batch of prompts in one request is not supported.
function readPrompt(ctx: ApiContext, prompt: unknown): number[] {
  const one =
    Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string' ? prompt[0] : prompt;
  if (typeof one === 'string') {
    if (one.length === 0) throw new ApiError(400, 'prompt must not be empty', 'prompt');
    return encodePrompt(ctx.tokenizer, one);
  }
  if (Array.isArray(one) && one.length > 0 && one.every((id) => Number.isInteger(id))) return one as number[];
  throw new ApiError(400, 'prompt must be a string, a list of one string, or a list of token ids', 'prompt');
}
