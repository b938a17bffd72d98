import { getToolFormat } from './tool-format-registry.js';
import { pythonJsonDumps } from './python-json.js';
import { pythonStr } from './python-str.js';

/**
 * The user-side text of a ShareGPT `observation` turn. MedicalGPT compares `--tool_format` to
 * the exact strings below, so `qwen3` and `qwen3.5` get the generic `Observation:` wrapper even
 * though their tool prompts are Qwen's.
 */
export function wrapObservation(value: string, toolFormat?: string | null): string {
  switch (toolFormat) {
    case 'qwen':
      return `<tool_response>\n${value}\n</tool_response>`;
    case 'glm4':
      return `<|observation|>\n${value}`;
    case 'mistral':
      return `[TOOL_RESULTS] {"content": ${value}}[/TOOL_RESULTS]`;
    default:
      return `Observation: ${value}`;
  }
}

/**
 * The assistant-side text of a ShareGPT `function_call` turn, whose value is the JSON string
 * `{"name", "arguments"}`. Without `name` and `arguments` keys the value is kept verbatim;
 * without a tool format the call is written ReAct style (no trailing newline, unlike `default`).
 */
export function renderFunctionCall(value: string, toolFormat?: string | null): string {
  let call: unknown;
  try {
    call = JSON.parse(value);
  } catch (err) {
    throw new Error(`function_call value is not JSON: ${JSON.stringify(value.slice(0, 200))}`, {
      cause: err,
    });
  }
  if (!isCall(call)) return value;
  const args = pythonJsonDumps(call.arguments);
  const name = pythonStr(call.name);
  if (toolFormat) return getToolFormat(toolFormat).formatFunctionCalls([{ name, arguments: args }]);
  return `Action: ${name}\nAction Input: ${args}`;
}

function isCall(value: unknown): value is { name: unknown; arguments: unknown } {
  // Only a dict carries a call (Python would crash on a list or string containing both words).
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'name' in value &&
    'arguments' in value
  );
}
