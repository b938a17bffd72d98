// Public surface of this folder; to be re-exported by src/index.ts.
export { valueAndGrads, type ValueAndGrads } from './value-and-grads.js';
export { valueAndGradients, type ValueAndGradients } from './value-and-gradients.js';
export { recordTape, disposeTape, type RecordedTape } from './record-tape.js';
export { backprop, type BackpropOptions } from './backprop.js';
export {
  currentGradientSink,
  gradientWanted,
  unwantedGradient,
  markHiddenReads,
  type GradientSink,
} from './gradient-sink.js';
export type { TapeNode } from './engine-internals.js';
export { noGrad, recordingGradients, stopGradient } from './no-grad.js';
export { releaseCachedMemory } from './release-cached-memory.js';
export {
  backendReplaysSteps,
  captureStep,
  checkStepInputs,
  isStepRunOutput,
  stepInputTensor,
  type CapturedStep,
  type StepCapturingBackend,
  type StepFunction,
  type StepInputSpec,
  type StepInput,
  type StepInputValues,
  type StepRun,
  type StepRunOutput,
} from './capture-step.js';
