/** Options of `pythonJsonDumps`, mirroring `json.dumps`' own. */
export interface PythonJsonOptions {
  /** Pretty-print with this many spaces (`indent=`); default undefined: one line with ", " and ": ". */
  indent?: number;
  /** Sort object keys (`sort_keys=True`). Default false: insertion order. */
  sortKeys?: boolean;
  /**
   * Keys whose numbers are Python floats even when integral (`6.0`, not `6`); numbers that are not
   * integers are always written as floats.
   */
  floatKeys?: ReadonlySet<string>;
}

/**
 * `value` as Python's `json.dumps` writes it with its defaults: ", " / ": " separators, non-ASCII as \uXXXX
 * (ensure_ascii), floats as `repr` (shortest round-trip digits, exponent outside [1e-4, 1e16): `1e-05`).
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const { indent, sortKeys = false, floatKeys = new Set<string>() } = options;
  const walk = (v: unknown, key: string | undefined, at: string): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      return Number.isInteger(v) && !Object.is(v, -0) && !(key !== undefined && floatKeys.has(key))
        ? String(v)
        : pythonFloatRepr(v);
    }
    if (typeof v === 'string') return asciiString(v);
    const inner = indent === undefined ? '' : at + ' '.repeat(indent);
    const open = indent === undefined ? '' : `\n${inner}`;
    const sep = indent === undefined ? ', ' : `,\n${inner}`;
    const close = indent === undefined ? '' : `\n${at}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${open}${v.map((x) => walk(x, key, inner)).join(sep)}${close}]`;
    }
    if (typeof v === 'object') {
      let keys = Object.keys(v);
      if (sortKeys) keys = keys.sort();
      if (keys.length === 0) return '{}';
      const entries = keys.map(
        (k) => `${asciiString(k)}: ${walk((v as Record<string, unknown>)[k], k, inner)}`,
      );
      return `{${open}${entries.join(sep)}${close}}`;
    }
    throw new TypeError(`pythonJsonDumps: cannot write a ${typeof v}`);
  };
  return walk(value, undefined, '');
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits as JavaScript's), fixed
 * notation when the decimal exponent is in [-4, 16), else `d.ddde-05` / `de+16`; integral values get
 * `.0`; `NaN`, `Infinity`, `-Infinity` as json.dumps writes them.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = value < 0 ? '-' : '';
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}

// json.dumps' ensure_ascii: everything above ASCII (and DEL) as \uXXXX per UTF-16 unit, lower-case hex.
function asciiString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
