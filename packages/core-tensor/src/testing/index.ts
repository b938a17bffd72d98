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
export {
  ShapeOnlyBackend,
  registerShapeOnlyBackend,
  shapeOnlyBackend,
  shapeOnlyTensor,
  type ShapeOnlyOptions,
  type ShapeOnlyCounts,
} from './shape-only-backend.js';
export { SHAPE_ONLY_KERNELS, type ShapeOnlyKernel } from './shape-only-kernels.js';
