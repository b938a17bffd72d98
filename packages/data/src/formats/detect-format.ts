import type { DataFormat } from './data-format.js';

/** A plain JSON object (not an array, not null). */
export function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The format a record is written in, from the fields it has (undefined when none fits). The most
 * specific layouts are tried first: a preference row also has `conversations`.
 */
export function detectFormat(value: unknown): DataFormat | undefined {
  if (!isRecordObject(value)) return undefined;
  const has = (key: string) => Object.hasOwn(value, key);
  if (has('conversations')) return has('chosen') || has('rejected') ? 'preference' : 'sharegpt';
  if (has('items')) return 'sharegpt-items';
  if (has('messages')) return 'messages';
  if (has('response_chosen') || has('response_rejected')) return 'preference-legacy';
  if (has('prompt') && (has('chosen') || has('rejected'))) return 'prompt-preference';
  if (has('instruction')) return 'alpaca';
  if (has('question') && has('answer')) return 'grpo';
  if (has('input') && has('output')) return 'qa';
  if (has('text')) return 'text';
  return undefined;
}
