/**
 * `json.dumps(value, ensure_ascii=False[, indent=n])` as Python writes it. MedicalGPT's tool
 * formats embed Python-serialised JSON in training text (`", "` and `": "` separators), so
 * JSON.stringify's compact output would change the tokens the model is trained on.
 *
 * One difference cannot be avoided: JavaScript numbers do not remember whether they were written
 * `1.0` or `1`, so a float with no fractional part below 1e16 is printed as an integer.
 */
export function pythonJsonDumps(value: unknown, options: { indent?: number } = {}): string {
  return dump(value, options.indent ?? null, 0);
}

function dump(value: unknown, indent: number | null, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return container(
      value.map((item) => dump(item, indent, depth + 1)),
      '[',
      ']',
      indent,
      depth,
    );
  }
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${dump(v, indent, depth + 1)}`);
    return container(items, '{', '}', indent, depth);
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function container(
  items: string[],
  open: string,
  close: string,
  indent: number | null,
  depth: number,
): string {
  if (items.length === 0) return open + close;
  if (indent === null) return open + items.join(', ') + close;
  const inner = '\n' + ' '.repeat(indent * (depth + 1));
  const outer = '\n' + ' '.repeat(indent * depth);
  return open + inner + items.join(',' + inner) + outer + close;
}

/** Python's int or float repr: exponent form below 1e-4 and from 1e16. */
function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  // Beyond 1e16 a JS integer has lost precision anyway: it almost surely was a float.
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return n.toFixed(0);
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(n);
}
