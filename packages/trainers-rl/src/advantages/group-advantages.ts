// GRPO's advantages (Shao et al. 2024, arXiv:2402.03300, as TRL's GRPOTrainer computes them): each
// completion's reward against the mean of its prompt's group, optionally scaled by a std.
import { checkGroups } from './check-groups.js';
import { nanmean, nanstd } from './nanstd.js';

/** TRL's `scale_rewards`: the std that divides the centred rewards. */
export const SCALE_REWARDS = ['group', 'batch', 'none'] as const;
export type ScaleRewards = (typeof SCALE_REWARDS)[number];

/** Below this a group's std counts as zero for `frac_reward_zero_std` (all its rewards equal). */
const ZERO_STD = 1e-6;

export interface GroupAdvantagesOptions {
  /** G: completions per prompt, consecutive in the rewards. */
  groupSize: number;
  /**
   * 'group' (default): the group's std; 'batch': the whole batch's (REINFORCE++'s, Hu 2025); 'none':
   * centred only, as Dr. GRPO (Liu et al. 2025) recommends.
   */
  scaleRewards?: ScaleRewards;
}

export interface GroupAdvantages {
  /** Per completion: (r − group mean) / (std + 1e-4), or unscaled with 'none'. */
  advantages: Float64Array;
  /** Per completion: the Bessel std of its group ('group', 'none') or of the batch ('batch'). */
  groupStd: Float64Array;
  /** Fraction of groups whose rewards are all equal (Bessel std < 1e-6): groups that teach nothing. */
  fracZeroStd: number;
}

/**
 * GRPO's advantage of each completion. `rewards` has B = prompts·G entries, the G completions of a
 * prompt consecutive. A NaN reward (a completion no reward function scored, as TRL now marks them) is
 * left out of its group's mean and std and gets advantage 0; with finite rewards this is exactly
 * A = (r − mean_group) / (std + 1e-4).
 */
export function groupAdvantages(
  rewards: ArrayLike<number>,
  options: GroupAdvantagesOptions,
): GroupAdvantages {
  const { groupSize } = options;
  const scale = options.scaleRewards ?? 'group';
  if (!SCALE_REWARDS.includes(scale)) {
    throw new Error(
      `groupAdvantages: unknown scaleRewards '${scale as string}'; valid: ${SCALE_REWARDS.join(', ')}`,
    );
  }
  const r = Float64Array.from(rewards);
  const groups = checkGroups('groupAdvantages', r.length, groupSize);
  const batchStd = scale === 'batch' ? nanstd(r) : NaN;

  const advantages = new Float64Array(r.length);
  const groupStd = new Float64Array(r.length);
  let zeroStd = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    const members = r.subarray(start, start + groupSize);
    const mean = nanmean(members);
    const std = nanstd(members);
    // TRL measures the zero-std fraction on the group std whatever the scaling.
    if (std < ZERO_STD) zeroStd++;
    const used = scale === 'batch' ? batchStd : std;
    for (let j = 0; j < groupSize; j++) {
      const centred = members[j]! - mean;
      const a = scale === 'none' ? centred : centred / (used + 1e-4);
      advantages[start + j] = Number.isNaN(a) ? 0 : a;
      groupStd[start + j] = used;
    }
  }
  return { advantages, groupStd, fracZeroStd: zeroStd / groups };
}
