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

export { attention, attentionAttrs } from './attention.js';
export type { AttentionOptions } from './attention.js';
export { attentionReference } from './attention-reference.js';
export { crossEntropy } from './cross-entropy.js';
export type { CrossEntropyOptions } from './cross-entropy.js';
export { crossEntropyReference } from './cross-entropy-reference.js';
export { countLabels } from './count-labels.js';
export { tokenLogprobs } from './token-logprobs.js';
export type { TokenLogprobsOptions } from './token-logprobs.js';
export { tokenLogprobsReference } from './token-logprobs-reference.js';
export { linearCrossEntropy } from './linear-cross-entropy.js';
export type { LinearCrossEntropyOptions } from './linear-cross-entropy.js';
export { linearTokenLogprobs } from './linear-token-logprobs.js';
export type { LinearTokenLogprobsOptions } from './linear-token-logprobs.js';
export { setLogitsChunkElements, logitsChunkElements } from './linear-chunks.js';
export { IGNORE_INDEX } from './logits-labels.js';
export type { LossReduction } from './logits-labels.js';
export { Attention, type AttentionAttrs } from './kernels/Attention.js';
export { AttentionGrad } from './kernels/AttentionGrad.js';
export { CrossEntropy, type CrossEntropyAttrs } from './kernels/CrossEntropy.js';
export { CrossEntropyGrad } from './kernels/CrossEntropyGrad.js';
export { TokenLogprobs, type TokenLogprobsAttrs } from './kernels/TokenLogprobs.js';
export { TokenLogprobsGrad } from './kernels/TokenLogprobsGrad.js';
export { writeCacheRows } from './write-cache-rows.js';
export { WriteCacheRows } from './kernels/WriteCacheRows.js';
export { loraLinear, loraLinearReference } from './lora-linear.js';
export type { LoraLinearOptions } from './lora-linear.js';
export { LoraLinear, type LoraLinearAttrs } from './kernels/LoraLinear.js';
export { LoraLinearGrad } from './kernels/LoraLinearGrad.js';
export { dequantize4bit, type Dequantize4bitOptions, type NestedAbsmaxTensors } from './dequantize-4bit.js';
export { dequantizeInt8 } from './dequantize-int8.js';
export { packWords } from './pack-words.js';
export {
  Dequantize4bit,
  Dequantize4bitNested,
  type Dequantize4bitAttrs,
  type Dequantize4bitNestedAttrs,
} from './kernels/Dequantize4bit.js';
export { DequantizeInt8, type DequantizeInt8Attrs, INT8_INV_127 } from './kernels/DequantizeInt8.js';
export { DEQUANTIZE_DTYPES, type DequantizeDtype } from './kernels/dequantize-values.js';
