// NaN-skipping statistics on the host, as TRL takes them over rewards: a reward function that returns
// None (null here) becomes NaN and must not count towards a mean or a spread.

/** Mean of the values that are not NaN; NaN when every value is NaN (or there are none). */
export function nanmean(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * Bessel-corrected (n − 1) standard deviation of the values that are not NaN (TRL's `nanstd`); NaN
 * when fewer than two values remain, where the sample spread is undefined.
 */
export function nanstd(values: ArrayLike<number>): number {
  const mean = nanmean(values);
  let squares = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    squares += (v - mean) ** 2;
    count++;
  }
  return count < 2 ? NaN : Math.sqrt(squares / (count - 1));
}
