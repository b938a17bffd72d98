import type { PromptFormat } from '@medgpt/serving';
import { getToolFormat, shareGptToPairs, type ShareGptTurn, type ToolDefinition } from '@medgpt/templates';
import { ApiError } from '../http/api-error.js';

export interface ChatPromptInput {
  readonly messages: unknown;
  /** OpenAI `tools` (`[{type: "function", function: {...}}]`), already checked. */
  readonly tools: readonly ToolDefinition[];
  /** MedicalGPT's `--tool_format`: how tools enter the system prompt and calls are written. */
  readonly toolFormat: string;
  readonly format: PromptFormat;
  /** The system prompt of a conversation that brings none (the server's `--system_prompt`). */
  readonly defaultSystemPrompt: string;
}

/**
 * The prompt text for OpenAI chat messages, rendered as MedicalGPT's SFT renders a ShareGPT row (so a
 * model answers as it was trained): `tool` messages are observations, an assistant's `tool_calls`
 * function calls in the tool format, the tools' text is appended to the system prompt. The last
 * message(s) must be the user's (or a tool result): that is the query awaiting the answer.
 */
export function chatPrompt(input: ChatPromptInput): string {
  const { messages } = input;
  if (!Array.isArray(messages) || messages.length === 0)
    throw new ApiError(400, 'messages must be a non-empty list', 'messages');
  const turns: ShareGptTurn[] = messages.map((m, i) => toTurn(m, i));
  const last = turns.at(-1)!.from;
  if (last !== 'human' && last !== 'observation')
    throw new ApiError(400, 'the last message must be from the user or a tool', 'messages');
  // An empty closing answer makes the trailing question(s) the last pair: [query, ''].
  const { systemPrompt, pairs } = shareGptToPairs(
    { conversations: [...turns, { from: 'gpt', value: '' }], tools: input.tools.length ? input.tools : null },
    { toolFormat: input.toolFormat },
  );
  const [query] = pairs.pop()!;
  return input.format.build(pairs, query, systemPrompt || input.defaultSystemPrompt);
}

/** OpenAI `tools` as MedicalGPT's tool schemas; `[]` when there are none. */
export function readTools(tools: unknown, toolFormat: string): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw new ApiError(400, 'tools must be a list', 'tools');
  const defs = tools.map((t, i) => {
    const fn = (t as { function?: unknown } | null)?.function as ToolDefinition | undefined;
    if ((t as { type?: unknown }).type !== 'function' || typeof fn?.name !== 'string')
      throw new ApiError(400, `tools[${i}] must be {"type": "function", "function": {"name", ...}}`, 'tools');
    return fn;
  });
  try {
    getToolFormat(toolFormat).formatTools(defs);
  } catch (err) {
    throw new ApiError(400, `tools: ${(err as Error).message}`, 'tools');
  }
  return defs;
}

function toTurn(message: unknown, i: number): ShareGptTurn {
  const m = message as { role?: unknown; content?: unknown; tool_calls?: unknown } | null;
  const param = `messages[${i}]`;
  if (m === null || typeof m !== 'object') throw new ApiError(400, `${param} must be an object`, 'messages');
  switch (m.role) {
    case 'system':
    case 'developer':
      return { from: 'system', value: messageText(m.content, param) };
    case 'user':
      return { from: 'human', value: messageText(m.content, param) };
    case 'tool':
      return { from: 'observation', value: messageText(m.content, param) };
    case 'assistant': {
      const calls = m.tool_calls;
      if (Array.isArray(calls) && calls.length > 0)
        return { from: 'function_call', value: callValue(calls, param) };
      return { from: 'gpt', value: messageText(m.content ?? '', param) };
    }
    default:
      throw new ApiError(
        400,
        `${param}.role must be system, developer, user, assistant or tool, got ${JSON.stringify(m.role)}`,
        'messages',
      );
  }
}

/** A message's content as text: a string, or a list of text parts joined (images and audio are not supported). */
export function messageText(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: unknown; text?: unknown }) => {
        if (part?.type !== 'text' || typeof part.text !== 'string')
          throw new ApiError(400, `${param}.content: only text parts are supported`, 'messages');
        return part.text;
      })
      .join('\n');
  }
  throw new ApiError(400, `${param}.content must be a string or a list of text parts`, 'messages');
}

// MedicalGPT's function_call value: the JSON {"name", "arguments"} of the (first) call.
function callValue(calls: unknown[], param: string): string {
  const fn = (calls[0] as { function?: { name?: unknown; arguments?: unknown } }).function;
  if (typeof fn?.name !== 'string' || typeof fn.arguments !== 'string')
    throw new ApiError(
      400,
      `${param}.tool_calls[0].function needs a name and arguments (a JSON string)`,
      'messages',
    );
  let args: unknown;
  try {
    args = JSON.parse(fn.arguments);
  } catch {
    throw new ApiError(400, `${param}.tool_calls[0].function.arguments is not JSON`, 'messages');
  }
  return JSON.stringify({ name: fn.name, arguments: args });
}
