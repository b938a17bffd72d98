import type { DialogPair } from './conversation-template.js';
import type { ToolDefinition } from './tool-format.js';
import { getToolFormat } from './tool-format-registry.js';
import { renderFunctionCall, wrapObservation } from './tool-messages.js';

/** One ShareGPT message: `from` is system, human/user/observation or gpt/assistant/function_call. */
export interface ShareGptTurn {
  readonly from: string;
  readonly value: string;
}

/** A ShareGPT row as MedicalGPT's SFT data holds it (§4.2 of the reference). */
export interface ShareGptConversation {
  readonly conversations: readonly ShareGptTurn[];
  /** Used only when the row has no system turn and no tools text. */
  readonly system_prompt?: string | null;
  /** JSON string of a tool list (MedicalGPT); a parsed list is accepted too. */
  readonly tools?: string | readonly ToolDefinition[] | null;
}

export interface ShareGptPairOptions {
  /** MedicalGPT's `--tool_format`; without it `tools` are ignored and calls are ReAct text. */
  readonly toolFormat?: string | null;
  /** Date for the llama3 tool prompt (default: now). */
  readonly date?: Date;
}

/** The system prompt and the `[query, answer]` pairs MedicalGPT trains on. */
export interface ShareGptPairs {
  readonly systemPrompt: string;
  readonly pairs: DialogPair[];
}

type Message = { role: 'user' | 'assistant'; content: string };

const USER_ROLES = new Set(['human', 'user', 'observation']);
const ASSISTANT_ROLES = new Set(['gpt', 'assistant', 'function_call']);

/**
 * MedicalGPT's SFT role normalisation and pairing (supervised_finetuning.py, preprocess):
 * observations become user turns, function calls assistant turns; a user turn that follows an
 * unanswered one is joined with "\n"; an assistant turn with no open question is dropped (the
 * Python "merge" branch is unreachable); a trailing question is dropped; unknown roles are
 * ignored. `pairs` is empty when nothing is left, and MedicalGPT then skips the row.
 */
export function shareGptToPairs(row: ShareGptConversation, options: ShareGptPairOptions = {}): ShareGptPairs {
  const toolFormat = options.toolFormat || null;
  if (toolFormat) getToolFormat(toolFormat); // fail on a bad name before any row is read
  let system = '';
  const messages: Message[] = [];
  for (const turn of row.conversations) {
    const from = turn.from ?? '';
    const value = turn.value ?? '';
    if (from === 'system') system = value;
    else if (USER_ROLES.has(from)) {
      messages.push({
        role: 'user',
        content: from === 'observation' ? wrapObservation(value, toolFormat) : value,
      });
    } else if (ASSISTANT_ROLES.has(from)) {
      const content = from === 'function_call' ? renderFunctionCall(value, toolFormat) : value;
      messages.push({ role: 'assistant', content });
    }
  }
  const toolsText = formatRowTools(row.tools, toolFormat, options.date);
  if (toolsText) system = system + (system ? '\n\n' : '') + toolsText;
  if (!system) system = row.system_prompt ?? '';
  return { systemPrompt: system, pairs: pairMessages(messages) };
}

function formatRowTools(
  tools: ShareGptConversation['tools'],
  toolFormat: string | null,
  date?: Date,
): string {
  if (!tools || !toolFormat) return '';
  const parsed = typeof tools === 'string' ? parseTools(tools) : tools;
  if (!Array.isArray(parsed) || parsed.length === 0) return '';
  return getToolFormat(toolFormat).formatTools(parsed as ToolDefinition[], date ? { date } : {});
}

function pairMessages(messages: readonly Message[]): DialogPair[] {
  const pairs: DialogPair[] = [];
  let open: string | undefined;
  for (const message of messages) {
    if (message.role === 'user') open = open === undefined ? message.content : open + '\n' + message.content;
    else if (open !== undefined) {
      pairs.push([open, message.content]);
      open = undefined;
    }
  }
  return pairs;
}

function parseTools(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`tools is not a JSON string: ${JSON.stringify(text.slice(0, 200))}`, { cause: err });
  }
}
