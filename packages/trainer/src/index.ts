// @medgpt/trainer: the generic training loop every medgpt stage runs on.

// Arguments (transformers' TrainingArguments names and defaults)
export {
  DEFAULT_TRAINING_ARGUMENTS,
  INTERVAL_STRATEGIES,
  NAN_INF_POLICIES,
  OPTIMIZERS,
  TRAINING_ARGUMENT_CHOICES,
  type IntervalStrategy,
  type NanInfPolicy,
  type TrainingArguments,
} from './training-arguments.js';
export { resolveTrainingArguments, type TrainingArgumentsInput } from './resolve-training-arguments.js';
export { TRAINING_ARGUMENT_DOCS, type OptionDoc, type OptionKind } from './training-argument-docs.js';
export { ConfigError } from './config-error.js';
export { planTraining, type TrainingPlan } from './training-plan.js';

// The trainer, the task it trains, callbacks, state
export { Trainer, type TrainerOptions } from './trainer.js';
export type { StopReason, TrainResult } from './loop/run-loop.js';
export type { LossContext, PrepareContext, TrainableVariable, TrainingTask } from './training-task.js';
export type { CallbackContext, TrainerCallback, TrainerControl } from './trainer-callback.js';
export {
  initialTrainerState,
  parseTrainerState,
  trainerStateJson,
  type LogEntry,
  type TrainerState,
} from './trainer-state.js';
export { NonFiniteLossError } from './non-finite-loss-error.js';

// Loop pieces, usable on their own
export { stepGradients, type StepGradients } from './loop/step-gradients.js';
export { evaluateLoss, type EvalMetrics } from './loop/evaluate-loss.js';
export { nextAccumulationGroup, type AccumulationGroup } from './loop/accumulation-groups.js';
export {
  DynamicLossScale,
  precisionPolicy,
  type PrecisionPolicy,
  type PrecisionState,
} from './loop/precision-policy.js';
export { StopSignals, type StopSignal } from './loop/stop-signals.js';

// Checkpoints (HF layout, atomic)
export {
  CHECKPOINT_PREFIX,
  lastCheckpoint,
  listCheckpoints,
  removeUnfinishedCheckpoints,
  rotateCheckpoints,
  writeCheckpointDir,
  type CheckpointDir,
} from './checkpoint/checkpoint-dirs.js';
export {
  DATA_STATE_FILE,
  RNG_STATE_FILE,
  SCHEDULER_FILE,
  TRAINER_STATE_FILE,
  TRAINING_ARGS_FILE,
  DISTRIBUTED_FILE,
  rankRngStateFile,
  readDistributedCheckpoint,
  readTrainerCheckpoint,
  writeTrainerCheckpoint,
  type DistributedCheckpoint,
  type RankRandomState,
  type RunState,
  type SchedulerRecord,
} from './checkpoint/trainer-checkpoint.js';
export {
  loadOptimizerState,
  OPTIMIZER_JSON_FILE,
  OPTIMIZER_TENSORS_FILE,
  saveOptimizerState,
  type StatefulOptimizer,
} from './checkpoint/optimizer-state-file.js';
export {
  CHECKPOINT_MANIFEST_FILE,
  checkCheckpoint,
  writeCheckpointManifest,
} from './checkpoint/checkpoint-manifest.js';
export { writeTextAtomic } from '@medgpt/core-tensor';

// Metrics, progress, plots
export { MetricsFile, METRICS_FILE } from './logging/metrics-file.js';
export { formatLogLine } from './logging/format-log-line.js';
export { ProgressBar, type ProgressStream } from './logging/progress-bar.js';
export { renderLossPlot, type LossPlotOptions } from './logging/render-loss-plot.js';
export { formatDuration } from './logging/format-duration.js';
export { memoryUsage, type MemoryUsage } from './logging/memory-usage.js';
export { TaskMetrics, type MetricsMode, type MetricValue } from './logging/task-metrics.js';

// The stage kit every trainer (PT, SFT, RM, DPO ..., RL) shares: MedicalGPT's model and LoRA options,
// model loading, full-or-LoRA weights, the stage run (train, save, evaluate)
export {
  LORA_OPTION_DEFAULTS,
  MODEL_OPTION_DEFAULTS,
  TORCH_DTYPES,
  type LoraOptions,
  type ModelOptions,
  type TorchDtype,
} from './stage/model-options.js';
export { LORA_OPTION_DOCS, MODEL_OPTION_DOCS } from './stage/option-docs.js';
export {
  checkMoeOptions,
  MOE_OPTION_DEFAULTS,
  MOE_OPTION_DOCS,
  routerAuxLossCoef,
  type MoeOptions,
} from './stage/moe-options.js';
export {
  checkOption,
  isInteger,
  isNonEmptyString,
  isNumberIn,
  isOptionalInteger,
} from './stage/check-option.js';
export {
  checkDataFileOptions,
  STRICT_DATA_DOC,
  checkLoraOptions,
  checkModelOptions,
  checkKbitTraining,
  resolveStageConfig,
  type DataFileOptions,
} from './stage/resolve-stage-config.js';
export { loadStageModel, paddingId, type StageModel, type StageModelHead } from './stage/load-stage-model.js';
export { loadTrainingModel, kbitOptions } from './stage/load-training-model.js';
export { STAGE_MODEL_DIR_OPTIONS, type StageHubOptions } from './stage/stage-hub-options.js';
export { fetchStageModels } from './stage/fetch-stage-models.js';
export { fullWeights, type TrainableWeights } from './stage/trainable-weights.js';
export { loraWeights, type LoraWeights } from './stage/lora-weights.js';
export {
  enableGradientCheckpointing,
  withEmbeddingHook,
  withShiftedSparseAttention,
  type EmbeddingHook,
  type ShiftedSparseAttention,
} from './stage/model-extensions.js';
export { StageTrainer } from './stage/stage-trainer.js';
export {
  runStage,
  trainingArguments,
  type StageConfig,
  type StageParts,
  type StageResult,
  type StageRunOptions,
} from './stage/run-stage.js';
export { dataReportLines, type StageDataSummary } from './stage/data-report.js';
export { checkTemplateOptions, type TemplateOptions } from './stage/check-template-options.js';
export { chatDataSetup, type ChatDataSetup } from './stage/chat-data-setup.js';
export { dataTokenizer, loadStageRecords } from './stage/load-stage-records.js';
export { WeightsTask, type WeightsTaskOptions } from './stage/weights-task.js';
