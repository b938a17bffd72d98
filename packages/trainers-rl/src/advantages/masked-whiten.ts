// PPO's masked statistics on the host (TRL's masked_mean, masked_var and masked_whiten): means and
// variances over the completion tokens of a [B][T] batch, padding left out.
import { checkRowsLike, type HostRows } from './host-rows.js';

/** Σ x·m / Σ m over the whole batch; NaN when the mask is empty. Entries where m = 0 are not read. */
export function maskedMean(values: HostRows, mask: HostRows): number {
  checkRowsLike('maskedMean', 'mask', mask, 'values', values);
  return weightedMean(values, mask, 0);
}

/**
 * The masked variance, Σ (x − mean)²·m / Σ m, times n / (n − 1) with n = Σ m when `unbiased` (TRL's
 * default and its Bessel correction). Unbiased needs n ≥ 2: TRL raises at n = 0 and returns NaN at 1.
 */
export function maskedVar(values: HostRows, mask: HostRows, unbiased = true): number {
  checkRowsLike('maskedVar', 'mask', mask, 'values', values);
  const n = maskSum(mask);
  if (unbiased && n < 2) {
    throw new Error(`maskedVar: the unbiased variance needs a mask sum of at least 2, got ${n}`);
  }
  const mean = weightedMean(values, mask, 0);
  const variance = weightedMean(values, mask, mean, 2);
  return unbiased ? (variance * n) / (n - 1) : variance;
}

/**
 * (x − mean) / sqrt(var + 1e-8) with the masked mean and unbiased variance, applied to every entry
 * (TRL leaves filling the padding to the caller); with `shiftMean` false the mean is added back, so
 * only the scale changes (TRL whitens PPO's rewards that way).
 */
export function maskedWhiten(values: HostRows, mask: HostRows, shiftMean = true): Float64Array[] {
  const mean = maskedMean(values, mask);
  const scale = 1 / Math.sqrt(maskedVar(values, mask) + 1e-8);
  return values.map((row) => Float64Array.from(row, (x) => (x - mean) * scale + (shiftMean ? 0 : mean)));
}

function maskSum(mask: HostRows): number {
  let n = 0;
  for (const row of mask) for (let t = 0; t < row.length; t++) n += row[t]!;
  return n;
}

/** Σ (x − centre)^power·m / Σ m. */
function weightedMean(values: HostRows, mask: HostRows, centre: number, power = 1): number {
  let sum = 0;
  let n = 0;
  values.forEach((row, b) => {
    const m = mask[b]!;
    for (let t = 0; t < row.length; t++) {
      if (m[t] === 0) continue; // padding may hold anything, even NaN
      sum += (row[t]! - centre) ** power * m[t]!;
      n += m[t]!;
    }
  });
  return sum / n;
}
