/**
 * An adapter, adapter config or request that cannot be honoured. The message names the file (or the
 * adapter), the field or tensor concerned, what is wrong and what was expected.
 */
export class PeftError extends Error {
  override readonly name = 'PeftError';
  /** The file, directory or adapter concerned. */
  readonly file: string;
  /** The config key, module or tensor concerned, when the problem is about one. */
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}${field === undefined ? '' : `: ${JSON.stringify(field)}`}: ${problem}`, options);
    this.file = file;
    this.field = field;
  }
}

/**
 * A short JSON rendering of a config value for messages: at most about `max` characters whatever its
 * size or depth (JSON.stringify overflows the stack on arrays nested a few thousand deep, which
 * JSON.parse reads fine).
 */
export function jsonPreview(value: unknown, max = 60): string {
  let out = '';
  const put = (s: string) => (out += s).length <= max;
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return put(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (typeof v !== 'object' || v === null) return put(String(JSON.stringify(v)));
    if (depth >= 8) return put(Array.isArray(v) ? '[...]' : '{...}');
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i], depth + 1)) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      if (!first && !put(',')) return false;
      first = false;
      if (
        !put(`${JSON.stringify(key.slice(0, max))}:`) ||
        !walk((v as Record<string, unknown>)[key], depth + 1)
      )
        return false;
    }
    return put('}');
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
