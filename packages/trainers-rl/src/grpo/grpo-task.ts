import { nanmean } from '../advantages/nanstd.js';
import { tf } from '@medgpt/core-tensor';
import { groupAdvantages, type ScaleRewards } from '../advantages/group-advantages.js';
import { grpoTokenLoss, type GrpoLossType } from '../losses/grpo-token-loss.js';
import type { RolloutBatch } from '../rollout/rollout-batch.js';
import {
  GroupRolloutTask,
  type Advantages,
  type GroupRolloutTaskOptions,
  type PreparedRollout,
} from '../rollout/group-rollout-task.js';

export interface GrpoTaskOptions extends GroupRolloutTaskOptions {
  epsilon: number;
  epsilonHigh: number;
  lossType: GrpoLossType;
  scaleRewards: ScaleRewards;
  importanceSamplingLevel: 'token' | 'sequence';
}

/**
 * GRPO as TRL's GRPOTrainer computes it: advantages normalised within each prompt's group, the clipped
 * surrogate per completion token (plus β·k3 KL to the reference), aggregated by loss_type.
 */
export class GrpoTask extends GroupRolloutTask {
  constructor(private readonly g: GrpoTaskOptions) {
    super(g, ['kl', 'clip_ratio/low_mean', 'clip_ratio/high_mean', 'clip_ratio/region_mean']);
  }

  protected needsOldLogps(): boolean {
    return false; // ratio 1 unless num_iterations > 1, which the base class handles
  }

  protected itemsOf(batch: RolloutBatch): number {
    return this.g.lossType === 'dapo' ? batch.maskSum : 1;
  }

  protected advantages(rewards: Float64Array): Advantages {
    const G = this.g.numGenerations;
    const a = groupAdvantages(rewards, { groupSize: G, scaleRewards: this.g.scaleRewards });
    return {
      advantages: a.advantages,
      metrics: {
        reward_std: nanmean(a.groupStd.filter((_, i) => i % G === 0)),
        frac_reward_zero_std: a.fracZeroStd,
      },
    };
  }

  protected policyLoss(logps: tf.Tensor2D, r: PreparedRollout) {
    const g = this.g;
    return grpoTokenLoss(
      {
        logps,
        oldLogps: r.oldLogps ? this.matrix(r, r.oldLogps) : null,
        refLogps: r.refLogps ? this.matrix(r, r.refLogps) : null,
        advantages: tf.tensor1d(r.advantages),
        mask: this.matrix(r, r.batch.mask),
        maskSum: r.batch.maskSum,
      },
      {
        epsilon: g.epsilon,
        epsilonHigh: g.epsilonHigh,
        beta: g.beta,
        lossType: g.lossType,
        maxCompletionLength: g.sampling.maxTokens,
        importanceSamplingLevel: g.importanceSamplingLevel,
      },
    );
  }
}
