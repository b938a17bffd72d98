import type { FunctionCall, ToolDefinition, ToolFormat } from '../tool-format.js';
import { pythonJsonDumps } from '../python-json.js';
import { functionCall, hasKeys, tryParseJson } from './parse-json-call.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Llama 3.x JSON tool calling (tools in the system message). The prompt embeds today's date
 * (`%d %b %Y`, local time) as MedicalGPT does; pass `date` for reproducible text.
 */
export const llama3ToolFormat: ToolFormat = {
  name: 'llama3',

  formatTools(tools: readonly ToolDefinition[], options: { date?: Date } = {}): string {
    const toolText = tools
      .map((tool) => pythonJsonDumps({ type: 'function', function: tool }, { indent: 4 }) + '\n\n')
      .join('');
    return (
      `Cutting Knowledge Date: December 2023\nToday Date: ${formatDate(options.date ?? new Date())}\n\n` +
      'You have access to the following functions. To call a function, please respond with JSON for a function call. ' +
      'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}. ' +
      `Do not use variables.\n\n${toolText}`
    );
  },

  formatFunctionCalls(calls: readonly FunctionCall[]): string {
    if (calls.length > 1) throw new Error('Llama-3 does not support parallel functions.');
    const [call] = calls;
    if (!call) throw new Error('Llama-3 function formatter needs one call');
    return `{"name": "${call.name}", "parameters": ${call.arguments}}`;
  },

  extractFunctionCalls(text: string): FunctionCall[] | string {
    const parsed = tryParseJson(text.trim());
    if (!parsed || !hasKeys(parsed.value, 'name', 'parameters')) return text;
    return [functionCall(String(parsed.value.name), parsed.value.parameters)];
  },
};

/** Python's `strftime("%d %b %Y")` in the C locale. */
function formatDate(date: Date): string {
  const day = String(date.getDate()).padStart(2, '0');
  return `${day} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`;
}
