import type { FunctionCall, ToolDefinition, ToolFormat, ToolParameter } from '../tool-format.js';
import { pythonFormat } from '../python-format.js';
import { pythonStr } from '../python-str.js';
import { functionCall, tryParseJson } from './parse-json-call.js';

const DEFAULT_TOOL_PROMPT =
  'You have access to the following tools:\n{tool_text}' +
  'Use the following format if using a tool:\n' +
  '```\n' +
  'Action: tool name (one of [{tool_names}])\n' +
  'Action Input: the input to the tool, in a JSON format representing the kwargs ' +
  '(e.g. ```{{"input": "hello world", "num_beams": 5}}```)\n' +
  '```\n';

// Python's re with DOTALL; `(?=...|\s*$)` ends an input at the next call or the text's end.
const ACTION = /Action:\s*([a-zA-Z0-9_]+)\s*Action Input:\s*(.+?)(?=\s*Action:|\s*$)/gs;

/** ReAct style: `Action: name\nAction Input: {...}`; parallel calls are concatenated. */
export const defaultToolFormat: ToolFormat = {
  name: 'default',

  formatTools(tools: readonly ToolDefinition[]): string {
    const toolText = tools.map(describeTool).join('');
    const toolNames = tools.map((tool) => pythonStr(tool.name)).join(', ');
    return pythonFormat(DEFAULT_TOOL_PROMPT, { tool_text: toolText, tool_names: toolNames });
  },

  formatFunctionCalls(calls: readonly FunctionCall[]): string {
    return calls.map((call) => `Action: ${call.name}\nAction Input: ${call.arguments}\n`).join('');
  },

  extractFunctionCalls(text: string): FunctionCall[] | string {
    const calls: FunctionCall[] = [];
    for (const match of text.matchAll(ACTION)) {
      const input = stripChars(stripChars(match[2]!.trim(), '"'), '`');
      const parsed = tryParseJson(input);
      if (!parsed) return text;
      calls.push(functionCall(match[1]!.trim(), parsed.value));
    }
    return calls.length > 0 ? calls : text;
  },
};

function describeTool(tool: ToolDefinition): string {
  const properties = tool.parameters?.properties;
  if (!properties) {
    throw new Error(
      `Tool '${tool.name}' has no parameters.properties, which the default tool format requires`,
    );
  }
  const required = tool.parameters?.required ?? [];
  const args = Object.entries(properties)
    .map(([name, param]) => describeParameter(name, param, required.includes(name)))
    .join('');
  return `> Tool Name: ${pythonStr(tool.name)}\nTool Description: ${pythonStr(tool.description ?? '')}\nTool Args:\n${args}\n`;
}

function describeParameter(name: string, param: ToolParameter, required: boolean): string {
  const enumText = isTruthy(param.enum)
    ? `, should be one of [${param.enum!.map(pythonStr).join(', ')}]`
    : '';
  const itemsText = isTruthy(param.items)
    ? `, where each item should be ${pythonStr(param.items!.type ?? '')}`
    : '';
  const type = pythonStr(param.type ?? '');
  const desc = pythonStr(param.description ?? '');
  return `  - ${name} (${type}${required ? ', required' : ''}): ${desc}${enumText}${itemsText}\n`;
}

/** Python truthiness of a JSON value: empty lists and dicts are false. */
function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's `s.strip(chars)` for a single character. */
function stripChars(s: string, ch: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === ch) start += 1;
  while (end > start && s[end - 1] === ch) end -= 1;
  return s.slice(start, end);
}
