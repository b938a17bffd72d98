// Forward features of @medgpt/models the trainers set per step.
import type { RandomState } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';

/** Replaces the input embeddings of a forward: (token ids [N], embeddings [N, hidden]) -> [N, hidden]. */
export type EmbeddingHook = NonNullable<CausalLM['embeddingHook']>;

/**
 * Runs `fn` with `hook` on the model's input embeddings, then takes it off, so that evaluation and
 * generation after a training step see plain embeddings.
 */
export function withEmbeddingHook<T>(model: CausalLM, hook: EmbeddingHook, fn: () => T): T {
  const previous = model.embeddingHook;
  model.embeddingHook = hook;
  try {
    return fn();
  } finally {
    model.embeddingHook = previous;
  }
}

/**
 * Turns on per-decoder-layer activation checkpointing (transformers' gradient_checkpointing). The
 * recomputation of each layer replays the `generators` its forward draws from (LoRA dropout), so it
 * sees the same masks. The trainer's backward is core-tensor's driver (valueAndGrads), which this needs.
 */
export function enableGradientCheckpointing(model: CausalLM, generators: RandomState[] = []): void {
  model.gradientCheckpointing = true;
  model.checkpointGenerators = generators;
}

/** LongLoRA's S²-Attn setting of a model (`CausalLM.shiftedSparseAttention`). */
export type ShiftedSparseAttention = NonNullable<CausalLM['shiftedSparseAttention']>;

/**
 * Runs `fn` with LongLoRA's shifted sparse attention on, then restores the previous setting, so that
 * evaluation and generation after a training step attend in full (LongLoRA trains sparse, infers full).
 */
export function withShiftedSparseAttention<T>(model: CausalLM, s2: ShiftedSparseAttention, fn: () => T): T {
  const previous = model.shiftedSparseAttention;
  model.shiftedSparseAttention = s2;
  try {
    return fn();
  } finally {
    model.shiftedSparseAttention = previous;
  }
}
