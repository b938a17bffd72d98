/** JSON values in an order of our choosing: Maps keep any key order (objects move integer-like keys first). */
export type OrderedJson =
  | null
  | boolean
  | number
  | string
  | OrderedJson[]
  | Map<string, OrderedJson>
  | { [key: string]: OrderedJson };

/**
 * Formats `value` as Python's `json.dumps(value, indent=indent)` does with its defaults, so files that
 * huggingface_hub writes (the shard index) come out byte-identical: ", " / ": " separators, non-ASCII
 * escaped as \uXXXX (ensure_ascii), "{}" and "[]" for empty containers. Numbers must be safe integers.
 */
export function pythonJsonDumps(value: OrderedJson, indent = 2): string {
  return dump(value, ' '.repeat(indent), '');
}

function dump(value: OrderedJson, step: string, at: string): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`pythonJsonDumps: ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === 'string') return asciiString(value);
  const inner = at + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + dump(v, step, inner)).join(',\n')}\n${at}]`;
  }
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${asciiString(k)}: ${dump(v, step, inner)}`).join(',\n')}\n${at}}`;
}

// JSON.stringify already escapes quotes, backslashes, controls (\n, \u001f...) and lone surrogates like
// Python; ensure_ascii adds DEL and everything above ASCII, per UTF-16 unit, in lower-case hex.
function asciiString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
