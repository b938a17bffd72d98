// RLOO's advantages (Ahmadian et al. 2024, "Back to Basics", arXiv:2402.14740, as TRL's RLOOTrainer
// computes them): each completion's reward against the mean reward of the other completions of its prompt.
import { checkGroups } from './check-groups.js';
import { nanmean, nanstd } from './nanstd.js';

const ZERO_STD = 1e-6;

export interface LeaveOneOutOptions {
  /** G: completions per prompt, consecutive in the rewards. */
  groupSize: number;
  /** Per completion: Σ_t (old logp − ref logp) over its completion tokens (needed when beta != 0). */
  kl?: ArrayLike<number>;
  /** β of the KL penalty folded into the reward (default 0: no penalty, `kl` is not read). */
  beta?: number;
  /** Whiten the advantages over the batch: (A − mean) / (std + 1e-4) (TRL's normalize_advantages). */
  normalize?: boolean;
  /** Clip the rewards before the KL term: c for [−c, c], or TRL's (min, max). */
  rewardClipRange?: number | readonly [number, number];
}

export interface LeaveOneOutAdvantages {
  /** Per completion: r' − mean of the other r' of its group (whitened with `normalize`). */
  advantages: Float64Array;
  /** Per completion: r' = clip(r) − β·kl, the rewards the baselines were built from (NaN where unscorable). */
  rewards: Float64Array;
  /** Fraction of groups whose r' are all equal (Bessel std < 1e-6), TRL's frac_reward_zero_std. */
  fracZeroStd: number;
}

/**
 * RLOO's advantage of each completion. With r' = clip(r) − β·kl, the baseline of completion i is
 * (Σ_{j in group} r'_j − r'_i) / (G − 1) and A_i = r'_i − baseline_i. A NaN reward (unscorable) is left
 * out of its siblings' baselines (the divisor is the scorable count − 1) and its advantage is 0, as TRL
 * does; with finite rewards this is exactly the formula above.
 */
export function leaveOneOutAdvantages(
  rewards: ArrayLike<number>,
  options: LeaveOneOutOptions,
): LeaveOneOutAdvantages {
  const { groupSize } = options;
  const r = Float64Array.from(rewards);
  const groups = checkGroups('leaveOneOutAdvantages', r.length, groupSize);
  clipRewards(r, options.rewardClipRange);
  subtractKl(r, options.kl, options.beta ?? 0);

  const advantages = new Float64Array(r.length);
  let zeroStd = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    const members = r.subarray(start, start + groupSize);
    if (nanstd(members) < ZERO_STD) zeroStd++;
    let sum = 0;
    let scorable = 0;
    for (const v of members) {
      if (Number.isNaN(v)) continue;
      sum += v;
      scorable++;
    }
    // A lone scorable member has no siblings to compare with: 0 / 0 = NaN, zeroed below.
    members.forEach((v, j) => (advantages[start + j] = v - (sum - v) / (scorable - 1)));
  }
  if (options.normalize) whiten(advantages);
  advantages.forEach((a, i) => (advantages[i] = Number.isNaN(a) ? 0 : a));
  return { advantages, rewards: r, fracZeroStd: zeroStd / groups };
}

function clipRewards(r: Float64Array, range: LeaveOneOutOptions['rewardClipRange']): void {
  if (range === undefined) return;
  const [low, high] = typeof range === 'number' ? [-range, range] : range;
  if (!(low <= high)) {
    throw new Error(`leaveOneOutAdvantages: rewardClipRange [${low}, ${high}] is empty`);
  }
  r.forEach((v, i) => (r[i] = Math.min(Math.max(v, low), high)));
}

function subtractKl(r: Float64Array, kl: ArrayLike<number> | undefined, beta: number): void {
  if (!Number.isFinite(beta)) throw new Error(`leaveOneOutAdvantages: beta must be finite, got ${beta}`);
  if (beta === 0) return;
  if (kl === undefined) throw new Error('leaveOneOutAdvantages: beta != 0 needs the per-completion kl');
  if (kl.length !== r.length) {
    throw new Error(`leaveOneOutAdvantages: kl has ${kl.length} entries, rewards ${r.length}`);
  }
  r.forEach((v, i) => (r[i] = v - beta * kl[i]!));
}

/** (A − mean) / (std + 1e-4) over the batch, NaN entries skipped and kept. */
function whiten(a: Float64Array): void {
  const mean = nanmean(a);
  const std = nanstd(a);
  a.forEach((v, i) => (a[i] = (v - mean) / (std + 1e-4)));
}
