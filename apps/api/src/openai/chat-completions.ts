import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { encodePrompt } from '@medgpt/serving';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../http/api-error.js';
import { SseWriter } from '../http/sse-writer.js';
import { chatPrompt, readTools } from './chat-prompt.js';
import { citeDocuments, type ApiSource } from './cite-documents.js';
import { extractToolCalls, type OpenAiToolCall } from './extract-tool-calls.js';
import { fixedReply, type ChatAnswer } from './fixed-reply.js';
import { readRagParam } from './read-rag-param.js';
import { readSamplingParams } from './read-sampling-params.js';
import { includeUsage, refuse, startGeneration, streamFlag, usage } from './start-generation.js';

/**
 * POST /v1/chat/completions: the messages through the model's chat template, answered whole or
 * streamed as vLLM streams it (role first, content deltas, a finish_reason chunk per choice, usage,
 * `[DONE]`). With `tools` (and tool_choice other than "none") an answer in the tool format becomes
 * `tool_calls` with finish_reason "tool_calls"; such answers are sent once complete, not token by token.
 * With `"rag"` (medgpt's extension) the last user message asks over the server's documents' best
 * passages, and the passages cited are returned as `sources` (on the first chunk when streamed).
 */
export async function chatCompletions(
  ctx: ApiContext,
  body: Record<string, unknown>,
  res: ServerResponse,
): Promise<void> {
  refuse(body, ['logprobs', 'top_logprobs', 'logit_bias', 'audio', 'prediction']);
  const adapter = ctx.models.adapterFor(body.model);
  const stream = streamFlag(body);
  const withUsage = includeUsage(body);
  const toolChoice = body.tool_choice ?? 'auto';
  const tools = toolChoice === 'none' ? [] : readTools(body.tools, ctx.toolFormat);
  const rag = readRagParam(body, ctx.rag);
  const params = readSamplingParams(body, ctx.maxTokens, ctx.stopStrings);
  const cited = rag && ctx.rag ? await citeDocuments(ctx.rag, body.messages, rag.topN) : null;
  const prompt = chatPrompt({
    messages: cited?.messages ?? body.messages,
    tools,
    toolFormat: ctx.toolFormat,
    format: ctx.format,
    defaultSystemPrompt: ctx.systemPrompt,
  });
  // Nothing retrieved: chatpdf's fixed reply, without the model (the prompt was still checked above).
  const generation: ChatAnswer =
    cited?.reply != null
      ? fixedReply(cited.reply, params.n ?? 1, ctx.engine.stats.slots)
      : startGeneration(
          ctx.engine,
          { ...params, promptIds: encodePrompt(ctx.tokenizer, prompt), adapter },
          res,
          ctx.maxWaiting,
        );
  const head = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : ctx.models.base,
  };
  const toolFormat = tools.length > 0 ? ctx.toolFormat : null;
  const extra = cited ? { sources: cited.sources } : {};
  if (stream) await streamChat(generation, head, toolFormat, withUsage, extra, new SseWriter(res));
  else await answerChat(generation, head, toolFormat, extra, res);
}

/** Fields beyond OpenAI's: `sources` of a `"rag"` answer. */
interface Extra {
  readonly sources?: readonly ApiSource[];
}

interface Head {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

async function answerChat(
  generation: ChatAnswer,
  head: Head,
  toolFormat: string | null,
  extra: Extra,
  res: ServerResponse,
): Promise<void> {
  const result = await generation.result;
  const choices = result.choices.map((c) => {
    const calls = toolFormat ? extractToolCalls(c.text, toolFormat) : null;
    return {
      index: c.index,
      message: calls
        ? { role: 'assistant', content: null, tool_calls: calls }
        : { role: 'assistant', content: c.text },
      logprobs: null,
      finish_reason: calls ? 'tool_calls' : c.finishReason,
    };
  });
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ...head, object: 'chat.completion', choices, usage: usage(result), ...extra }));
}

async function streamChat(
  generation: ChatAnswer,
  head: Head,
  toolFormat: string | null,
  withUsage: boolean,
  extra: Extra,
  sse: SseWriter,
): Promise<void> {
  const chunk = (index: number, delta: object, finish: string | null = null) => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
  });
  const started = new Set<number>();
  const held = new Map<number, string>(); // answers kept back until they can be parsed for tool calls
  try {
    for await (const c of generation) {
      if (sse.closed) break; // leaving the loop cancels the request
      if (!started.has(c.index)) {
        // The stream's first chunk carries the extra fields (sources), once.
        const first = started.size === 0 ? extra : {};
        started.add(c.index);
        sse.send({ ...chunk(c.index, { role: 'assistant', content: '' }), ...first });
      }
      if (toolFormat) held.set(c.index, (held.get(c.index) ?? '') + c.text);
      else if (c.text) sse.send(chunk(c.index, { content: c.text }));
      if (c.finishReason === null) continue;
      let finish: string = c.finishReason;
      if (toolFormat) {
        const text = held.get(c.index) ?? '';
        const calls = extractToolCalls(text, toolFormat);
        if (calls) {
          sse.send(chunk(c.index, { tool_calls: calls.map((call, i) => streamedCall(call, i)) }));
          finish = 'tool_calls';
        } else if (text) sse.send(chunk(c.index, { content: text }));
      }
      sse.send(chunk(c.index, {}, finish));
    }
    if (sse.closed) return;
    const result = await generation.result;
    if (withUsage) sse.send({ ...head, object: 'chat.completion.chunk', choices: [], usage: usage(result) });
  } catch (err) {
    sse.send(ApiError.from(err).toJSON()); // headers are out: the error is an event, as vLLM sends it
  }
  sse.done();
}

function streamedCall(call: OpenAiToolCall, index: number): object {
  return { index, id: call.id, type: 'function', function: call.function };
}
