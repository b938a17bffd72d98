/**
 * The tfjs kernels that a full fine-tuning step (model.loss + tf.variableGrads + AdamW) and greedy
 * generation (generate: prefill + KV-cache decode) dispatch for @medgpt/models' tiny Llama, Qwen2 and
 * Qwen3 models, as traced on the cpu backend by wrapping every registered kernel (docs/cuda.md says
 * how to repeat the trace). The cuda backend registers all of them; the test beside this file checks.
 */
export const TRAINING_STEP_KERNELS = [
  'BatchMatMul',
  'Add',
  'Sub',
  'RealDiv',
  'Maximum',
  'Equal',
  'NotEqual',
  'Select',
  'Cast',
  'Cumsum',
  'Concat',
  'Slice',
  'Fill',
  'OnesLike',
  'GatherV2',
  'UnsortedSegmentSum',
  'Transpose',
  'Sum',
  'Reshape',
  'Identity',
  'RmsNorm',
  'RmsNormGrad',
  'Rope',
  'RopeGrad',
  'Attention',
  'AttentionGrad',
  'Swiglu',
  'SwigluGrad',
  'CrossEntropy',
  'CrossEntropyGrad',
  'ZerosLike',
  'AdamWUpdate',
] as const;

/** Extra kernels of generation, of losses through materialised logits and of per-token log-probs. */
export const GENERATION_AND_LOSS_KERNELS = [
  'Range',
  'Tile',
  'TokenLogprobs',
  'TokenLogprobsGrad',
  'AddN',
] as const;

/**
 * The kernels one step of @medgpt/serving's InferenceEngine dispatches (prefill and decode over its
 * slot KV cache, tiny Qwen2, Llama and Qwen3, greedy and sampled requests; sampling itself runs on the
 * host over the logits read back), traced the same way on the cpu backend.
 */
export const ENGINE_STEP_KERNELS = [
  'GatherV2',
  'RmsNorm',
  'BatchMatMul',
  'Add',
  'Reshape',
  'Rope',
  'WriteCacheRows',
  'Attention',
  'Swiglu',
] as const;
