import type { RandomState, RopeOptions, tf } from '@medgpt/core-tensor';
import type { ModelConfig } from '../config/model-config.js';
import type { EmbeddingHook } from './causal-lm.js';
import type { KvStore } from './kv-store.js';
import type { RouterStatsSink } from './moe/router-stats.js';
import type { ShiftedSparseAttention } from './shifted-sparse-attention.js';

/** What one forward pass over a batch needs, shared by every layer. */
export interface ForwardContext {
  config: ModelConfig;
  /** A parameter by HF name. */
  weight(name: string): tf.Tensor;
  /** The linear module `module` (HF name without `.weight`) applied to x, through the model's hook if any. */
  linear(module: string, x: tf.Tensor2D): tf.Tensor2D;
  /**
   * The weights of linear modules `modules` (one projection of a sparse layer's experts) stacked
   * [E, out, in] for groupedMatMul, when each is a plain x Wᵀ: a float32 weight, no bias, not adapted by
   * the model's linear hook; undefined otherwise (run them through `linear`). Frozen ones are stacked once.
   */
  expertWeights?(modules: readonly string[]): tf.Tensor3D | undefined;
  /** Sequences in the batch; activations are [batch * T, features]. */
  batch: number;
  /** int32 [batch * T]: each token's position id. */
  positions: tf.Tensor1D;
  /** int32 [batch, keys] (1 = real token); undefined when every key is real. */
  attentionMask: tf.Tensor2D | undefined;
  /** int32 [batch, T]: packed rows' sample of each token (0 = padding); attention stays inside one. */
  segmentIds?: tf.Tensor2D;
  rope: RopeOptions;
  /** The sliding-window layers' RoPE when it differs (Gemma 3's local base); default `rope`. */
  localRope?: RopeOptions;
  /**
   * Recompute each decoder layer during backward instead of keeping its activations (training; ignored
   * when generating with a cache).
   */
  gradientCheckpointing: boolean;
  /** Generators a checkpointed layer's recomputation replays (LoRA dropout's). */
  checkpointGenerators: RandomState[];
  /** Applied to the input embeddings after the lookup (NEFTune); null = none. */
  embeddingHook: EmbeddingHook | null;
  /** LongLoRA's S²-Attn for forwards without a cache (training); null/unset = full attention. */
  shiftedSparseAttention?: ShiftedSparseAttention | null;
  /** Mixture of experts: where sparse layers report their routing for the load-balancing loss. */
  routerStats?: RouterStatsSink;
  /** Inference: the store the new keys/values go into; they are keys `offset` .. of each row. */
  cache?: { kv: KvStore; offset: number };
}
