/**
 * A training option with a value that cannot work: names the option (its MedicalGPT / Hugging Face
 * name, as on the command line), the value given and what would be valid.
 */
export class ConfigError extends RangeError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
    readonly hint?: string,
  ) {
    super(`--${option} is ${describe(value)}; expected ${expected}${hint ? ` (${hint})` : ''}`);
    this.name = 'ConfigError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'missing';
  return JSON.stringify(value) ?? String(value);
}
