// @medgpt/trainers-rl: reinforcement learning MedicalGPT's way: GRPO (grpo_training.py over TRL's
// GRPOTrainer), with completions sampled by @medgpt/serving's engine from the live policy.

// Trainers
export { GrpoTrainer } from './grpo/grpo-trainer.js';
export { RolloutTrainer, type RolloutRunOptions } from './rollout/rollout-trainer.js';
export { RlooTrainer } from './rloo/rloo-trainer.js';
export { PpoTrainer } from './ppo/ppo-trainer.js';
export { DistillTrainer } from './distill/distill-trainer.js';

// Configs (TRL's and MedicalGPT's argument names and defaults)
export {
  GRPO_DEFAULTS,
  GRPO_OPTION_DOCS,
  GRPO_TRAINING_DEFAULTS,
  resolveGrpoConfig,
  type GrpoConfig,
  type GrpoConfigInput,
  type GrpoOptions,
} from './grpo/grpo-config.js';
export {
  ROLLOUT_DEFAULTS,
  ROLLOUT_OPTION_DOCS,
  checkRolloutOptions,
  rewardNames,
  rewardWeights,
  type RolloutOptions,
} from './config/rollout-options.js';
export {
  TRL_MODEL_DEFAULTS,
  TRL_MODEL_DOCS,
  stageModelOptions,
  checkTrlModelOptions,
  type TrlModelOptions,
} from './config/trl-model-options.js';

export {
  RLOO_DEFAULTS,
  RLOO_OPTION_DOCS,
  RLOO_TRAINING_DEFAULTS,
  resolveRlooConfig,
  type RlooConfig,
  type RlooConfigInput,
  type RlooOptions,
} from './rloo/rloo-config.js';

export {
  KL_ESTIMATORS,
  PPO_DEFAULTS,
  PPO_OPTION_DOCS,
  PPO_TRAINING_DEFAULTS,
  resolvePpoConfig,
  type PpoConfig,
  type PpoConfigInput,
  type PpoOptions,
} from './ppo/ppo-config.js';

export {
  DISTILL_DEFAULTS,
  DISTILL_OPTION_DOCS,
  DISTILL_TRAINING_DEFAULTS,
  resolveDistillConfig,
  type DistillConfig,
  type DistillConfigInput,
  type DistillOptions,
} from './distill/distill-config.js';

// Tasks and rollouts
export { DistillTask, type DistillTaskOptions } from './distill/distill-task.js';
export { PpoTask, type PpoTaskOptions } from './ppo/ppo-task.js';
export { ValueModel } from './ppo/value-model.js';
export { KlController } from './ppo/kl-controller.js';
export { conversationPrompts } from './rollout/conversation-prompts.js';
export { RlooTask, type RlooTaskOptions } from './rloo/rloo-task.js';
export { GrpoTask, type GrpoTaskOptions } from './grpo/grpo-task.js';
export {
  GroupRolloutTask,
  type Advantages,
  type GroupRolloutTaskOptions,
  type PreparedRollout,
  type ReferenceLogps,
  type RolloutStepBatch,
} from './rollout/group-rollout-task.js';
export {
  runRolloutStage,
  type RolloutStageConfig,
  type RolloutStageParts,
} from './rollout/run-rollout-stage.js';
export { promptExample } from './rollout/prompt-example.js';
export type { RolloutExample } from './rollout/rollout-example.js';
export {
  sampleCompletions,
  type SampledCompletion,
  type SamplingOptions,
} from './rollout/sample-completions.js';
export { rolloutBatch, type RolloutBatch, type RolloutRow } from './rollout/rollout-batch.js';
export { policyLogps, frozenLogps, rolloutInputs } from './rollout/policy-logps.js';
export { meanTokenEntropy } from './rollout/token-entropy.js';

// Reward functions
export {
  BUILT_IN_REWARDS,
  builtInReward,
  parseRewardNames,
  type BuiltInReward,
  type CompletionInfo,
  type NamedReward,
  type RewardFn,
  type RewardRow,
} from './rewards/reward-function.js';
export { accuracyReward } from './rewards/accuracy-reward.js';
export { formatReward } from './rewards/format-reward.js';
export { extractAnswer } from './rewards/extract-answer.js';
export { mathEquivalent } from './rewards/math-equivalent.js';
export { parseMathAnswer, readMathNumber, type MathNumber } from './rewards/parse-math-answer.js';
export { softOverlongReward, softOverlongPunishment } from './rewards/soft-overlong-reward.js';
export { rewardModelReward, type RewardModelRewardOptions } from './rewards/reward-model-reward.js';

// Advantages (host) and losses (tensors), as TRL computes them
export { nanmean, nanstd } from './advantages/nanstd.js';
export { combineRewards, type CombinedRewards } from './advantages/combine-rewards.js';
export {
  groupAdvantages,
  SCALE_REWARDS,
  type GroupAdvantages,
  type GroupAdvantagesOptions,
  type ScaleRewards,
} from './advantages/group-advantages.js';
export {
  leaveOneOutAdvantages,
  type LeaveOneOutAdvantages,
  type LeaveOneOutOptions,
} from './advantages/leave-one-out.js';
export { maskedMean, maskedVar, maskedWhiten } from './advantages/masked-whiten.js';
export { gae, type Gae, type GaeOptions } from './advantages/gae.js';
export { klK1, klK3 } from './losses/kl-estimators.js';
export { generalizedJsd } from './losses/generalized-jsd.js';
export { rlooLoss, type RlooLoss, type RlooLossInput, type RlooLossOptions } from './losses/rloo-loss.js';
export {
  ppoPolicyLoss,
  ppoValueLoss,
  type PpoLoss,
  type PpoPolicyLossInput,
  type PpoPolicyMetrics,
  type PpoValueLossInput,
  type PpoValueMetrics,
} from './losses/ppo-losses.js';
export type { ClipRatioMetrics } from './losses/clip-ratio-metrics.js';
export {
  grpoTokenLoss,
  GRPO_LOSS_TYPES,
  IMPORTANCE_SAMPLING_LEVELS,
  type GrpoLossType,
  type GrpoLossMetrics,
  type GrpoTokenLoss,
  type GrpoTokenLossInput,
  type GrpoTokenLossOptions,
  type ImportanceSamplingLevel,
} from './losses/grpo-token-loss.js';
