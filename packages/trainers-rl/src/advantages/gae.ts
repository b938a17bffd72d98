// Generalised advantage estimation (Schulman et al. 2016, arXiv:1506.02438) over per-token rewards and
// values, the backward recursion of TRL's PPOTrainer.
import { checkRowsLike, type HostRows } from './host-rows.js';

export interface GaeOptions {
  /** γ: the discount of future rewards (TRL's `gamma`, default 1 there). */
  gamma: number;
  /** λ: the bias/variance trade-off of the estimate (TRL's `lam`, default 0.95 there). */
  lam: number;
}

export interface Gae {
  /** A_t per token, unwhitened (the caller whitens with maskedWhiten); 0 where the mask is 0. */
  advantages: Float64Array[];
  /** A_t + V_t, the value head's targets; 0 where the mask is 0. */
  returns: Float64Array[];
}

/**
 * GAE per row of [B][T] rewards and values with a 0/1 mask of the completion tokens (ones then
 * zeros): δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}, returns = A + V. Rewards and values where
 * the mask is 0 are read as 0, so V past the last token is 0 and nothing flows back from the padding.
 */
export function gae(rewards: HostRows, values: HostRows, mask: HostRows, options: GaeOptions): Gae {
  const { gamma, lam } = options;
  if (!Number.isFinite(gamma) || !Number.isFinite(lam)) {
    throw new Error(`gae: gamma and lam must be finite, got ${gamma} and ${lam}`);
  }
  checkRowsLike('gae', 'values', values, 'rewards', rewards);
  checkRowsLike('gae', 'mask', mask, 'rewards', rewards);
  const advantages: Float64Array[] = [];
  const returns: Float64Array[] = [];
  rewards.forEach((row, b) => {
    const m = mask[b]!;
    const v = values[b]!;
    const a = new Float64Array(row.length);
    const ret = new Float64Array(row.length);
    let nextValue = 0;
    let nextAdvantage = 0;
    for (let t = row.length - 1; t >= 0; t--) {
      const keep = m[t] !== 0;
      const value = keep ? v[t]! : 0;
      const delta = (keep ? row[t]! : 0) + gamma * nextValue - value;
      nextAdvantage = delta + gamma * lam * nextAdvantage;
      nextValue = value;
      a[t] = keep ? nextAdvantage : 0;
      ret[t] = keep ? nextAdvantage + value : 0;
    }
    advantages.push(a);
    returns.push(ret);
  });
  return { advantages, returns };
}
