import type { FunctionCall, ToolDefinition, ToolFormat } from '../tool-format.js';
import { pythonJsonDumps } from '../python-json.js';
import { functionCall, hasKeys, tryParseJson } from './parse-json-call.js';

const CALL = /<tool_call>(.+?)<\/tool_call>(?=\s*<tool_call>|\s*$)/gs;

/** Qwen2.5 / Qwen3 / Qwen3.5: `<tools>` JSON lines and `<tool_call>` blocks. */
export const qwenToolFormat: ToolFormat = {
  name: 'qwen',

  formatTools(tools: readonly ToolDefinition[]): string {
    const toolText = tools
      .map((tool) => '\n' + pythonJsonDumps({ type: 'function', function: tool }))
      .join('');
    return (
      '\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
      `You are provided with function signatures within <tools></tools> XML tags:\n<tools>${toolText}` +
      '\n</tools>\n\nFor each function call, return a json object with function name and arguments within ' +
      '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, ' +
      '"arguments": <args-json-object>}\n</tool_call>'
    );
  },

  formatFunctionCalls(calls: readonly FunctionCall[]): string {
    return calls
      .map((call) => `<tool_call>\n{"name": "${call.name}", "arguments": ${call.arguments}}\n</tool_call>`)
      .join('\n');
  },

  extractFunctionCalls(text: string): FunctionCall[] | string {
    const calls: FunctionCall[] = [];
    for (const match of text.matchAll(CALL)) {
      const parsed = tryParseJson(match[1]!.trim());
      if (!parsed || !hasKeys(parsed.value, 'name', 'arguments')) return text;
      calls.push(functionCall(String(parsed.value.name), parsed.value.arguments));
    }
    return calls.length > 0 ? calls : text;
  },
};
