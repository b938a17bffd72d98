import type { FunctionCall } from '../tool-format.js';
import { pythonJsonDumps } from '../python-json.js';

/** `json.loads(text)`, or undefined where Python would raise JSONDecodeError. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** `FunctionCall(name, json.dumps(arguments, ensure_ascii=False))`, as the extractors build it. */
export function functionCall(name: string, args: unknown): FunctionCall {
  return { name, arguments: pythonJsonDumps(args) };
}

/** Python's `"name" in obj and "arguments" in obj` for a parsed JSON value. */
export function hasKeys(value: unknown, ...keys: string[]): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return keys.every((key) => key in value);
}
