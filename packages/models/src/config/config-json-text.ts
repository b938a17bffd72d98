// Keys whose values transformers types as float: written as Python floats (10000.0, not 10000), so a
// config that went through JSON.parse comes back as transformers wrote it. llm_int8_threshold (in a
// bitsandbytes quantization_config) must be: BitsAndBytesConfig raises a TypeError on an int.
const FLOAT_KEYS = new Set([
  'llm_int8_threshold',
  'rope_theta',
  'rms_norm_eps',
  'initializer_range',
  'attention_dropout',
  'partial_rotary_factor',
  'attn_logit_softcapping',
  'final_logit_softcapping',
  'router_aux_loss_coef',
  'router_jitter_noise',
  'factor',
  'low_freq_factor',
  'high_freq_factor',
  'attention_factor',
  'beta_fast',
  'beta_slow',
  'mscale',
  'mscale_all_dim',
  'temperature',
  'top_p',
  'min_p',
  'repetition_penalty',
]);

// Python's float repr: shortest round-trip digits, fixed notation for exponents in [-4, 16),
// otherwise scientific with at least two exponent digits (1e-06).
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`config value ${value} cannot be written as JSON`);
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = String(value);
  return Number.isInteger(value) ? `${fixed}.0` : fixed;
}

function number(value: number, key: string | undefined): string {
  const isFloat = !Number.isInteger(value) || (key !== undefined && FLOAT_KEYS.has(key));
  return isFloat ? pythonFloat(value) : String(value);
}

// json.dumps' default ensure_ascii: non-ASCII characters as \uXXXX escapes.
function string(value: string): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function write(value: unknown, key: string | undefined, indent: string): string {
  if (typeof value === 'number') return number(value, key);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + write(v, key, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    const entries = keys.map(
      (k) => `${inner}${string(k)}: ${write((value as Record<string, unknown>)[k], k, inner)}`,
    );
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return typeof value === 'string' ? string(value) : (JSON.stringify(value) ?? 'null');
}

/**
 * config.json / generation_config.json text as transformers writes it (`json.dumps(indent=2,
 * sort_keys=True)` plus a newline), with float-typed keys keeping their `.0`.
 */
export function configJsonText(value: unknown): string {
  return `${write(value, undefined, '')}\n`;
}
