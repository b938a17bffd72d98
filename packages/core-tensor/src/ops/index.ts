// Public surface of this folder; re-exported by src/index.ts.
export { registerHostKernel, HOST_BACKENDS } from './kernels/js-kernel.js';
export type { HostKernelImpl, HostTensor, HostOutput } from './kernels/js-kernel.js';

export { rmsNorm, rmsNormReference } from './rms-norm.js';
export { rope, ropeReference } from './rope.js';
export type { RopeOptions } from './rope.js';
export { ropeFrequencies, ROPE_TYPES } from './rope-frequencies.js';
export type { RopeConfig, RopeScaling, RopeFrequencies, RopeType } from './rope-frequencies.js';
export { swiglu, swigluReference } from './swiglu.js';

// Kernel names and attrs, for backends that register fast kernels under the same names.
export { RmsNorm, type RmsNormAttrs } from './kernels/RmsNorm.js';
export { RmsNormGrad } from './kernels/RmsNormGrad.js';
export { Rope, type RopeAttrs } from './kernels/Rope.js';
export { RopeGrad } from './kernels/RopeGrad.js';
export { Swiglu } from './kernels/Swiglu.js';
export { SwigluGrad } from './kernels/SwigluGrad.js';
