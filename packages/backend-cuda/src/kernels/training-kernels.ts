import {
  AdamWUpdate,
  Attention,
  AttentionGrad,
  CrossEntropy,
  CrossEntropyGrad,
  RmsNorm,
  RmsNormGrad,
  Rope,
  RopeGrad,
  Swiglu,
  SwigluGrad,
  TokenLogprobs,
  TokenLogprobsGrad,
  WriteCacheRows,
  tf,
} from '@medgpt/core-tensor';

/**
 * The tfjs kernels that a full fine-tuning step (model.loss + tf.variableGrads + AdamW) and greedy
 * generation (generate: prefill + KV-cache decode) dispatch for @medgpt/models' tiny Llama, Qwen2 and
 * Qwen3 models, as traced on the cpu backend by wrapping every registered kernel (docs/cuda.md says
 * how to repeat the trace). The cuda backend registers all of them; the test beside this file checks.
 */
export const TRAINING_STEP_KERNELS = [
  tf.BatchMatMul,
  tf.Add,
  tf.Sub,
  tf.RealDiv,
  tf.Maximum,
  tf.Equal,
  tf.NotEqual,
  tf.Select,
  tf.Cast,
  tf.Cumsum,
  tf.Concat,
  tf.Slice,
  tf.Fill,
  tf.OnesLike,
  tf.GatherV2,
  tf.UnsortedSegmentSum,
  tf.Transpose,
  tf.Sum,
  tf.Reshape,
  tf.Identity,
  RmsNorm,
  RmsNormGrad,
  Rope,
  RopeGrad,
  Attention,
  AttentionGrad,
  Swiglu,
  SwigluGrad,
  CrossEntropy,
  CrossEntropyGrad,
  tf.ZerosLike,
  AdamWUpdate,
] as const;

/** Extra kernels of generation, of losses through materialised logits and of per-token log-probs. */
export const GENERATION_AND_LOSS_KERNELS = [
  tf.Range,
  tf.Tile,
  TokenLogprobs,
  TokenLogprobsGrad,
  tf.AddN,
] as const;

/**
 * The kernels one step of @medgpt/serving's InferenceEngine dispatches (prefill and decode over its
 * slot KV cache, tiny Qwen2, Llama and Qwen3, greedy and sampled requests; sampling itself runs on the
 * host over the logits read back), traced the same way on the cpu backend.
 */
export const ENGINE_STEP_KERNELS = [
  tf.GatherV2,
  RmsNorm,
  tf.BatchMatMul,
  tf.Add,
  tf.Reshape,
  Rope,
  WriteCacheRows,
  Attention,
  Swiglu,
] as const;
