// The pairwise reward-model loss (Ouyang et al. 2022, InstructGPT, eq. 1), with TRL RewardTrainer's
// optional margin and reward centring (Eisenstein et al. 2023).
import { tf } from '@medgpt/core-tensor';
import { logSigmoid } from './log-sigmoid.js';

export interface RewardLossOptions {
  /** Per pair [P]: how much better chosen should score (the dataset's `margin` column). */
  margin?: tf.Tensor1D;
  /** The weight of mean((r_c + r_r)²), which keeps rewards centred on 0 (TRL: center_rewards_coefficient). */
  centerRewardsCoefficient?: number | null;
}

/** Per pair [P]: -logσ(r_chosen - r_rejected [- margin]) [+ c·(r_chosen + r_rejected)²]. */
export function rewardLoss(
  chosen: tf.Tensor1D,
  rejected: tf.Tensor1D,
  o: RewardLossOptions = {},
): tf.Tensor1D {
  return tf.tidy(() => {
    let diff = tf.sub(chosen, rejected);
    if (o.margin) diff = tf.sub(diff, o.margin);
    let loss = tf.neg(logSigmoid(diff));
    const c = o.centerRewardsCoefficient;
    if (c) loss = tf.add(loss, tf.mul(tf.square(tf.add(chosen, rejected)), c));
    return loss as tf.Tensor1D;
  });
}
