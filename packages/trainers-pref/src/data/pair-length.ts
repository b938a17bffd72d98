import type { PreferenceIds } from '@medgpt/data';

/** A pair's longest row (prompt + the longer answer), for --group_by_length. */
export function pairLength(row: PreferenceIds): number {
  return row.promptIds.length + Math.max(row.chosenIds.length, row.rejectedIds.length);
}
