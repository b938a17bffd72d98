import {
  getToolFormat,
  renderFunctionCall,
  wrapObservation,
  type DialogPair,
  type ShareGptConversation,
  type ToolDefinition,
} from '@medgpt/templates';

/** A user or assistant message of a preference context. */
export interface ContextMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** The system prompt and messages of a preference row's `conversations`. */
export interface PreferenceContext {
  readonly systemPrompt: string;
  readonly messages: ContextMessage[];
}

export interface PreferenceContextOptions {
  /** `--tool_format`. */
  readonly toolFormat?: string | null;
  /** Date for the llama3 tool prompt. */
  readonly date?: Date;
}

const USER = new Set(['human', 'user', 'observation']);
const ASSISTANT = new Set(['gpt', 'assistant', 'function_call']);

/**
 * The RM/DPO/ORPO scripts' reading of `conversations` (`_parse_conversations_to_messages`,
 * `_build_prompt_from_conversations`): the last system turn is the system prompt, observations and
 * function calls are rendered for the tool format, tools are appended to the system prompt. Unlike
 * SFT, the row's `system_prompt` column is not used, and `tools` may be a list as well as a string.
 */
export function preferenceContext(
  row: ShareGptConversation,
  options: PreferenceContextOptions = {},
): PreferenceContext {
  const toolFormat = options.toolFormat || null;
  let system = '';
  const messages: ContextMessage[] = [];
  for (const turn of row.conversations) {
    if (turn.from === 'system') system = turn.value;
    else if (USER.has(turn.from)) {
      const content = turn.from === 'observation' ? wrapObservation(turn.value, toolFormat) : turn.value;
      messages.push({ role: 'user', content });
    } else if (ASSISTANT.has(turn.from)) {
      const content = turn.from === 'function_call' ? renderFunctionCall(turn.value, toolFormat) : turn.value;
      messages.push({ role: 'assistant', content });
    }
  }
  const tools = typeof row.tools === 'string' ? (JSON.parse(row.tools) as unknown) : row.tools;
  if (toolFormat && Array.isArray(tools) && tools.length > 0) {
    const text = getToolFormat(toolFormat).formatTools(
      tools as ToolDefinition[],
      options.date ? { date: options.date } : {},
    );
    if (text) system = system + (system ? '\n\n' : '') + text;
  }
  return { systemPrompt: system, messages };
}

/**
 * The scripts' pairing into `[query, answer]`: consecutive questions are joined with `"\n"`, an answer
 * with no open question is dropped, and a trailing question becomes `[query, ""]`, the turn the
 * preference answers complete.
 */
export function pairWithOpenQuestion(messages: readonly ContextMessage[]): DialogPair[] {
  const pairs: DialogPair[] = [];
  let open: string | undefined;
  for (const message of messages) {
    if (message.role === 'user') open = open === undefined ? message.content : `${open}\n${message.content}`;
    else if (open !== undefined) {
      pairs.push([open, message.content]);
      open = undefined;
    }
  }
  if (open !== undefined) pairs.push([open, '']);
  return pairs;
}
