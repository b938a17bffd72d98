import type { JsonObject } from '../../config/config-reader.js';
import type { ModelConfig } from '../../config/model-config.js';
import { writeGemmaWindows } from './write-gemma-windows.js';

/** Gemma 2/3's own keys for a new config.json (transformers 5's spelling; 4 reads them too). */
export function writeGemmaDifferences(c: ModelConfig): JsonObject {
  return {
    hidden_act: undefined,
    hidden_activation: c.hiddenAct ?? 'gelu_pytorch_tanh',
    attention_bias: c.qkvBias,
    query_pre_attn_scalar: c.queryPreAttnScalar ?? c.headDim,
    attn_logit_softcapping: c.attnLogitSoftcapping ?? null,
    final_logit_softcapping: c.finalLogitSoftcapping ?? null,
    ...writeGemmaWindows(c.slidingWindows),
  };
}
