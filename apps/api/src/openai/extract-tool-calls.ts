import { randomUUID } from 'node:crypto';
import { getToolFormat } from '@medgpt/templates';

/** One call in OpenAI's shape (`message.tool_calls[i]`); `arguments` is JSON text. */
export interface OpenAiToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/**
 * The calls in a model's answer, parsed by the tool format's extractor (MedicalGPT's
 * `tool_extractor`), or null when the answer is plain text.
 */
export function extractToolCalls(text: string, toolFormat: string): OpenAiToolCall[] | null {
  const calls = getToolFormat(toolFormat).extractFunctionCalls(text);
  if (typeof calls === 'string') return null;
  return calls.map((call) => ({
    id: `chatcmpl-tool-${randomUUID().replaceAll('-', '')}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}
