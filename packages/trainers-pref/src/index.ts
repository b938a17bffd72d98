// @medgpt/trainers-pref: preference training MedicalGPT's way: reward model, DPO, ORPO, SimPO/CPO, KTO.

// Trainers
export { RewardTrainer } from './rm/reward-trainer.js';
export { DpoTrainer } from './dpo/dpo-trainer.js';
export { OrpoTrainer } from './orpo/orpo-trainer.js';
export { CpoTrainer, SimpoTrainer } from './cpo/cpo-trainer.js';
export { KtoTrainer } from './kto/kto-trainer.js';

// Configs (MedicalGPT's argument names and defaults, TRL's knobs, transformers' TrainingArguments)
export {
  DPO_DEFAULTS,
  DPO_OPTION_DOCS,
  DPO_TRAINING_DEFAULTS,
  dpoLossMix,
  resolveDpoConfig,
  type DpoConfig,
  type DpoConfigInput,
  type DpoOptions,
} from './dpo/dpo-config.js';
export {
  checkPairStageOptions,
  PAIR_STAGE_DEFAULTS,
  PAIR_STAGE_DOCS,
  pairMaxLength,
  PREFERENCE_TRAINING_DEFAULTS,
  TRUNCATION_MODES,
  type PairStageOptions,
  type TruncationMode,
} from './config/pair-stage-options.js';
export {
  ORPO_DEFAULTS,
  ORPO_OPTION_DOCS,
  ORPO_TRAINING_DEFAULTS,
  resolveOrpoConfig,
  type OrpoConfig,
  type OrpoConfigInput,
  type OrpoOptions,
} from './orpo/orpo-config.js';
export {
  CPO_DEFAULTS,
  CPO_OPTION_DOCS,
  CPO_TRAINING_DEFAULTS,
  resolveCpoConfig,
  SIMPO_DEFAULTS,
  SIMPO_TRAINING_DEFAULTS,
  type CpoConfig,
  type CpoConfigInput,
  type CpoOptions,
} from './cpo/cpo-config.js';
export {
  KTO_DEFAULTS,
  KTO_OPTION_DOCS,
  KTO_TRAINING_DEFAULTS,
  resolveKtoConfig,
  type KtoConfig,
  type KtoConfigInput,
  type KtoOptions,
} from './kto/kto-config.js';
export {
  resolveRewardConfig,
  RM_DEFAULTS,
  RM_OPTION_DOCS,
  RM_TRAINING_DEFAULTS,
  type RewardConfig,
  type RewardConfigInput,
  type RewardOptions,
} from './rm/rm-config.js';
export {
  checkPreferenceDataOptions,
  PREFERENCE_DATA_DEFAULTS,
  PREFERENCE_DATA_DOCS,
  type PreferenceDataOptions,
} from './config/preference-data-options.js';

// Losses (per pair / per row, over sequence log-probs)
export {
  DPO_LOSS_TYPES,
  dpoLoss,
  dpoRewards,
  type DpoLossInputs,
  type DpoLossOptions,
  type DpoLossType,
} from './losses/dpo-loss.js';
export { oddsRatio, type OddsRatio } from './losses/orpo-loss.js';
export {
  CPO_LOSS_TYPES,
  cpoLoss,
  cpoUsesMeanLogps,
  type CpoLossOptions,
  type CpoLossType,
} from './losses/cpo-loss.js';
export { ktoKl, ktoLoss, type KtoLossOptions } from './losses/kto-loss.js';
export { rewardLoss, type RewardLossOptions } from './losses/reward-loss.js';
export { log1mexp } from './losses/log1mexp.js';
export { logSigmoid } from './losses/log-sigmoid.js';

// The pieces: log-probs, references, pair batches, metrics
export {
  batchInputs,
  completionLabels,
  completionLengths,
  type CompletionBatch,
} from './logps/completion-batch.js';
export {
  perTokenMean,
  sequenceLogps,
  type SequenceLogps,
  type SequenceLogpsOptions,
} from './logps/sequence-logps.js';
export {
  adapterDisabledReference,
  modelReference,
  type ReferenceModel,
} from './reference/reference-model.js';
export { precomputeReferenceLogps, type PrecomputeOptions } from './reference/precompute-reference-logps.js';
export {
  PairTask,
  pairTotals,
  splitPairs,
  type PairBatch,
  type PairLosses,
  type PairRow,
  type PairTaskOptions,
} from './pairwise/pair-task.js';
export { DpoTask, type DpoTaskOptions } from './dpo/dpo-task.js';
export { REWARD_METRICS, RewardTask, type RewardTaskOptions } from './rm/reward-task.js';
export { rewardData, type RewardData } from './rm/reward-data.js';
export { CPO_METRICS, CpoTask, type CpoTaskOptions } from './cpo/cpo-task.js';
export { KTO_METRICS, KtoTask, type KtoBatch, type KtoRow, type KtoTaskOptions } from './kto/kto-task.js';
export { ktoData, type KtoData } from './kto/kto-data.js';
export { chooseReference, type ReferenceChoice } from './reference/choose-reference.js';
export { ORPO_METRICS, OrpoTask, type OrpoTaskOptions } from './orpo/orpo-task.js';
export {
  PREFERENCE_METRICS,
  recordPreferenceMetrics,
  type PreferenceMetricInputs,
} from './pairwise/preference-metrics.js';
export { pairData, type PairData } from './data/pair-data.js';
export { pairLength } from './data/pair-length.js';
