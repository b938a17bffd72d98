// Forward features the trainers need from @medgpt/models that are feature-detected here, so this
// package works with a models build that has them and says clearly what is missing otherwise.
import { tf, type RandomState } from '@medgpt/core-tensor';
import type { CausalLM, CausalLMInputs } from '@medgpt/models';

/** Replaces the input embeddings of a forward: (token ids [N], embeddings [N, hidden]) -> [N, hidden]. */
export type EmbeddingHook = (ids: tf.Tensor1D, embeddings: tf.Tensor2D) => tf.Tensor2D;

interface WithEmbeddingHook {
  embeddingHook: EmbeddingHook | null;
}

/** Whether the model routes its input embeddings through `embeddingHook` (needed by NEFTune). */
export function hasEmbeddingHook(model: CausalLM): boolean {
  return 'embeddingHook' in model;
}

/** Runs `fn` with `hook` on the model's input embeddings, then takes it off. */
export function withEmbeddingHook<T>(model: CausalLM, hook: EmbeddingHook, fn: () => T): T {
  if (!hasEmbeddingHook(model)) {
    throw new Error('NEFTune needs CausalLM.embeddingHook, which this @medgpt/models build does not have');
  }
  const m = model as unknown as WithEmbeddingHook;
  const previous = m.embeddingHook;
  m.embeddingHook = hook;
  try {
    return fn();
  } finally {
    m.embeddingHook = previous;
  }
}

/** Inputs with packed-sequence segment ids (int32 [batch, T], 1, 2, ... per sample, 0 = padding). */
export type PackedInputs = CausalLMInputs & { segmentIds?: tf.Tensor2D };

/**
 * Whether the model keeps attention inside packed segments: runs the same two tokens as segment 1 and
 * as segment 2 of one row (positions restarting); with segment-aware attention both give identical
 * logits, without it the second copy also sees the first. A few-token forward, done once.
 */
export function attendsWithinSegments(model: CausalLM): boolean {
  return tf.tidy(() => {
    const ids = [1, 2, 1, 2].map((id) => id % model.config.vocabSize);
    const inputs: PackedInputs = {
      inputIds: tf.tensor2d([ids], [1, 4], 'int32'),
      positionIds: tf.tensor2d([[0, 1, 0, 1]], [1, 4], 'int32'),
      segmentIds: tf.tensor2d([[1, 1, 2, 2]], [1, 4], 'int32'),
    };
    const logits = model.forward(inputs).arraySync() as number[][];
    const same = (a: number[], b: number[]) =>
      a.every((x, i) => Math.abs(x - b[i]!) <= 1e-5 * (1 + Math.abs(x)));
    return same(logits[0]!, logits[2]!) && same(logits[1]!, logits[3]!);
  });
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
