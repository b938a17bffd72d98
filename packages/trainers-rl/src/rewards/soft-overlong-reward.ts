// DAPO's soft overlong punishment (Yu et al. 2025, arXiv:2503.14476), as TRL's
// get_soft_overlong_punishment: completions in the last `cache` tokens before the limit lose reward
// linearly, so the policy learns to finish before it is cut off rather than being hit by a cliff.

/**
 * A scorer of completion lengths for the limit `maxCompletionLength` and the soft zone `cache`: 0 up to
 * max - cache tokens, then falling linearly to -1 at max, and -1 beyond. Checks its arguments once.
 */
export function softOverlongPunishment(
  maxCompletionLength: number,
  cache: number,
): (tokenCount: number) => number {
  checkCount('maxCompletionLength', maxCompletionLength);
  checkCount('cache', cache);
  if (cache > maxCompletionLength)
    throw new RangeError(`cache is ${cache}; expected at most maxCompletionLength (${maxCompletionLength})`);
  const softStart = maxCompletionLength - cache;
  return (tokenCount) => {
    checkCount('tokenCount', tokenCount);
    if (tokenCount <= softStart) return 0;
    // With cache 0 the soft zone is empty (softStart = max): this line never divides by zero.
    if (tokenCount <= maxCompletionLength) return (softStart - tokenCount) / cache;
    return -1;
  };
}

/** The soft overlong reward of one completion of `tokenCount` tokens (see softOverlongPunishment). */
export function softOverlongReward(tokenCount: number, maxCompletionLength: number, cache: number): number {
  return softOverlongPunishment(maxCompletionLength, cache)(tokenCount);
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} is ${value}; expected an integer >= 0`);
}
