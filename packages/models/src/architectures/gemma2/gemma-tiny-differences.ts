import type { ModelConfig } from '../../config/model-config.js';

/**
 * A tiny Gemma's settings: Gemma's norms, embedding scale and GeGLU, query_pre_attn_scalar = head_dim,
 * and sliding layers every `pattern`-th layer full (window: the tiny option, else 4096).
 */
export function gemmaTinyDifferences(
  draft: ModelConfig,
  slidingWindow: number | null,
  pattern: number,
): Partial<ModelConfig> {
  const window = slidingWindow ?? 4096;
  return {
    hiddenAct: 'gelu_pytorch_tanh',
    normPlusOne: true,
    scaleEmbeddings: true,
    sandwichNorms: true,
    queryPreAttnScalar: draft.headDim,
    slidingWindows: Array.from({ length: draft.numHiddenLayers }, (_, i) =>
      (i + 1) % pattern !== 0 ? window : null,
    ),
  };
}
