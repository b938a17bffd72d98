/**
 * A short JSON rendering of a parsed value for error messages: at most about `max` characters (then
 * `...`), whatever the value's size or depth. JSON.stringify would build the whole string first and
 * overflows the stack on arrays nested a few thousand deep, which JSON.parse reads fine; this walk stops
 * as soon as the budget is spent and shows anything below depth 8 as `[...]` or `{...}`.
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
      if (!put(`${JSON.stringify(key.slice(0, max))}:`)) return false;
      if (!walk((v as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return put('}');
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
