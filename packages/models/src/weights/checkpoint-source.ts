import type { SafetensorsCheckpoint } from '@medgpt/core-tensor';

/**
 * The tensors of a checkpoint as the loader and weight readers see them: a `SafetensorsCheckpoint`, or a
 * view of one under the model's parameter names (transformers 5's fused experts, see fusedExpertsView).
 */
export type CheckpointSource = Pick<
  SafetensorsCheckpoint,
  'path' | 'names' | 'has' | 'fileFor' | 'info' | 'readArray'
>;
