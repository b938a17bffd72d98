import { noGrad, tf } from '@medgpt/core-tensor';
import { lastNonPadIndex, type CausalLM } from '@medgpt/models';
import type { MetricsMode } from '@medgpt/trainer';
import { rewardLoss } from '../losses/reward-loss.js';
import { batchInputs } from '../logps/completion-batch.js';
import {
  PairTask,
  splitPairs,
  type PairBatch,
  type PairLosses,
  type PairTaskOptions,
} from '../pairwise/pair-task.js';

/** TRL RewardTrainer's metrics. */
export const REWARD_METRICS = ['accuracy', 'margin', 'mean_reward', 'min_reward', 'max_reward'] as const;

export interface RewardTaskOptions extends PairTaskOptions {
  /** A sequence classifier with one label (loadModel(dir, { numLabels: 1 })). */
  model: CausalLM;
  centerRewardsCoefficient: number | null;
}

/**
 * The reward model's task (reward_modeling.py, TRL's RewardTrainer): both answers of each pair in
 * one forward ([chosen rows; rejected rows], padded to the longest), each row's reward read at its last
 * non-pad token, the pairwise loss -logσ(r_c - r_r) (+ TRL's optional centring term). Metrics:
 * accuracy (share of pairs ranked right), margin (mean r_c - r_r), and the batch's mean, min and max
 * reward (TRL's min_reward / mean_reward / max_reward), each averaged over the logging window.
 */
export class RewardTask extends PairTask {
  constructor(private readonly d: RewardTaskOptions) {
    super(d, REWARD_METRICS);
  }

  protected pairLosses(batch: PairBatch, mode: MetricsMode): PairLosses {
    const { tokens, pairs } = batch;
    const rows = Array.from({ length: tokens.batchSize }, (_, b) =>
      tokens.inputIds.subarray(b * tokens.seqLength, (b + 1) * tokens.seqLength),
    );
    const lastIndex = lastNonPadIndex(rows, this.d.model.config.padTokenId);
    const rewards = tf.reshape(this.d.model.scores(batchInputs(tokens), { lastIndex }), [-1]) as tf.Tensor1D;
    const [chosen, rejected] = splitPairs(rewards, pairs);
    const losses = rewardLoss(chosen, rejected, {
      centerRewardsCoefficient: this.d.centerRewardsCoefficient,
    });
    noGrad(() =>
      tf.tidy(() => {
        this.metrics.record(mode, {
          accuracy: tf.mean(tf.cast(tf.greater(chosen, rejected), 'float32')),
          margin: tf.mean(tf.sub(chosen, rejected)),
          mean_reward: tf.mean(rewards),
          min_reward: tf.min(rewards),
          max_reward: tf.max(rewards),
        });
      }),
    );
    return { losses };
  }
}
