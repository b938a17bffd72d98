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
export type { LossContext, TrainableVariable, TrainingTask } from './training-task.js';
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
  readTrainerCheckpoint,
  writeTrainerCheckpoint,
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
export { writeTextAtomic } from '@medgpt/core-tensor';

// Metrics, progress, plots
export { MetricsFile, METRICS_FILE } from './logging/metrics-file.js';
export { formatLogLine } from './logging/format-log-line.js';
export { ProgressBar, type ProgressStream } from './logging/progress-bar.js';
export { renderLossPlot, type LossPlotOptions } from './logging/render-loss-plot.js';
export { formatDuration } from './logging/format-duration.js';
export { memoryUsage, type MemoryUsage } from './logging/memory-usage.js';
