import { tf } from '@medgpt/core-tensor';
import { leaveOneOutAdvantages } from '../advantages/leave-one-out.js';
import { nanmean, nanstd } from '../advantages/nanstd.js';
import { rlooLoss } from '../losses/rloo-loss.js';
import {
  GroupRolloutTask,
  type Advantages,
  type GroupRolloutTaskOptions,
  type PreparedRollout,
} from '../rollout/group-rollout-task.js';

export interface RlooTaskOptions extends GroupRolloutTaskOptions {
  epsilon: number;
  epsilonHigh: number;
  /** Whiten the advantages over the batch (TRL's normalize_advantages). */
  normalizeAdvantages: boolean;
  /** Clip the rewards to [-c, c] before the KL term; null: no clip. */
  rewardClipRange: number | null;
}

/**
 * RLOO as TRL's RLOOTrainer computes it (MedicalGPT's ppo_training.py): the KL to the reference folded
 * into each completion's reward as β·Σ_t(old − ref), each completion's baseline the mean reward of the
 * other G − 1 of its prompt, and PPO's clipped surrogate on the summed log-probs of each completion.
 */
export class RlooTask extends GroupRolloutTask {
  constructor(private readonly r: RlooTaskOptions) {
    super(r, ['kl', 'clip_ratio/low_mean', 'clip_ratio/high_mean', 'clip_ratio/region_mean']);
  }

  protected needsOldLogps(): boolean {
    return this.r.beta !== 0; // the KL term of the reward compares the sampling policy with the reference
  }

  protected itemsOf(): number {
    return 1; // each micro-batch's loss is already a mean over its completions
  }

  protected advantages(rewards: Float64Array, prepared: readonly PreparedRollout[]): Advantages {
    const o = this.r;
    const kl = o.beta !== 0 ? prepared.flatMap((p) => sequenceKl(p)) : [];
    const a = leaveOneOutAdvantages(rewards, {
      groupSize: o.numGenerations,
      beta: o.beta,
      ...(o.beta !== 0 ? { kl } : {}),
      normalize: o.normalizeAdvantages,
      ...(o.rewardClipRange !== null ? { rewardClipRange: o.rewardClipRange } : {}),
    });
    const G = o.numGenerations;
    const groupStd: number[] = [];
    for (let g = 0; g < rewards.length; g += G) groupStd.push(nanstd(rewards.subarray(g, g + G)));
    return {
      advantages: a.advantages,
      metrics: {
        reward_std: nanmean(groupStd),
        frac_reward_zero_std: a.fracZeroStd,
        ...(o.beta !== 0 ? { kl: nanmean(kl) } : {}),
      },
    };
  }

  protected policyLoss(logps: tf.Tensor2D, p: PreparedRollout) {
    const o = this.r;
    const out = rlooLoss(
      {
        logps,
        // The ratio is against the sampling policy only when the completions are reused (μ > 1).
        oldLogps: o.numIterations > 1 && p.oldLogps ? this.matrix(p, p.oldLogps) : null,
        advantages: tf.tensor1d(p.advantages),
        mask: this.matrix(p, p.batch.mask),
      },
      { epsilon: o.epsilon, epsilonHigh: o.epsilonHigh },
    );
    return { loss: out.loss, metrics: { ...out.metrics } };
  }
}

/** Per completion row: Σ_t (old − ref) over its counted tokens (RLOO's k1 KL of the sequence). */
function sequenceKl(p: PreparedRollout): number[] {
  const { rows, length, mask } = p.batch;
  const out: number[] = [];
  for (let b = 0; b < rows; b++) {
    let s = 0;
    for (let t = 0; t < length; t++) {
      const i = b * length + t;
      if (mask[i]! > 0) s += p.oldLogps![i]! - p.refLogps![i]!;
    }
    out.push(s);
  }
  return out;
}
