import { ConfigError } from '../config-error.js';

/** Throws a ConfigError naming `option`, its value and `expected` unless `ok`. */
export function checkOption(
  option: string,
  value: unknown,
  ok: boolean,
  expected: string,
  hint?: string,
): void {
  if (!ok) throw new ConfigError(option, value, expected, hint);
}

export function isInteger(x: unknown, min: number): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min;
}

export function isNumberIn(x: unknown, min: number, max: number, maxOpen = false): boolean {
  return typeof x === 'number' && Number.isFinite(x) && x >= min && (maxOpen ? x < max : x <= max);
}

export function isOptionalInteger(x: unknown, min: number): boolean {
  return x === null || isInteger(x, min);
}

export function isNonEmptyString(x: unknown): x is string {
  return typeof x === 'string' && x.trim() !== '';
}
