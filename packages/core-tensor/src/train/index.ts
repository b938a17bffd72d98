// Public surface of this folder; re-exported by src/index.ts.
export { Optimizer, type ParamGroup, type ParamState, type OptimizerState } from './optimizer.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { MultiTensorAdamW } from './multi-tensor-adamw.js';
export { SGD, type SgdOptions } from './sgd.js';
export {
  NO_DECAY_NAME_PATTERNS,
  isDecayParameterName,
  getDecayParameterNames,
  weightDecayParamGroups,
} from './decay-parameter-names.js';
export {
  SCHEDULER_TYPES,
  getScheduler,
  getWarmupSteps,
  type SchedulerType,
  type SchedulerOptions,
  type LrSchedule,
} from './lr-schedule.js';
export { clipGradNorm, type ClipGradNormResult, type ClipGradNormOptions } from './clip-grad-norm.js';
export { GradientAccumulator, type AccumulationNormalization } from './gradient-accumulator.js';
export { checkpoint, type CheckpointOptions, type RandomState } from './checkpoint.js';
