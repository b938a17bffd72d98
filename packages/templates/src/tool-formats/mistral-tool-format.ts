import type { FunctionCall, ToolDefinition, ToolFormat } from '../tool-format.js';
import { pythonJsonDumps } from '../python-json.js';
import { functionCall, hasKeys, tryParseJson } from './parse-json-call.js';

/** Mistral v0.3: `[AVAILABLE_TOOLS] [...]` and calls as a JSON list. */
export const mistralToolFormat: ToolFormat = {
  name: 'mistral',

  formatTools(tools: readonly ToolDefinition[]): string {
    const wrapped = tools.map((tool) => ({ type: 'function', function: tool }));
    return `[AVAILABLE_TOOLS] ${pythonJsonDumps(wrapped)}[/AVAILABLE_TOOLS]`;
  },

  formatFunctionCalls(calls: readonly FunctionCall[]): string {
    const texts = calls.map((call) => `{"name": "${call.name}", "arguments": ${call.arguments}}`);
    return `[${texts.join(', ')}]`;
  },

  extractFunctionCalls(text: string): FunctionCall[] | string {
    const parsed = tryParseJson(text.trim());
    if (!parsed) return text;
    const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    const calls: FunctionCall[] = [];
    for (const item of items) {
      if (!hasKeys(item, 'name', 'arguments')) return text;
      calls.push(functionCall(String(item.name), item.arguments));
    }
    return calls;
  },
};
