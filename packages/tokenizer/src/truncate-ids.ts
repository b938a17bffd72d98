/** Which end of a sequence loses tokens when it is too long (transformers' `truncation_side`). */
export type TruncationSide = 'left' | 'right';

/** Keeps at most `maxLength` ids, dropping from the right (keep the start) or the left (keep the end). */
export function truncateIds(ids: readonly number[], maxLength: number, side: TruncationSide): number[] {
  if (ids.length <= maxLength) return ids.slice();
  return side === 'right' ? ids.slice(0, maxLength) : ids.slice(ids.length - maxLength);
}
