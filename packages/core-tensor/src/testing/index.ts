// Public surface of this folder; re-exported by src/index.ts.
export { numericGrad, closeness } from './grad-check.js';
export {
  trackTensors,
  expectNoLeak,
  describeLeak,
  type TensorTracker,
  type LeakReport,
  type LiveTensor,
  type TrackOptions,
  type NoLeakOptions,
} from './track-tensors.js';
