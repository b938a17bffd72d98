import type { JsonObject } from '../../config/config-reader.js';
import type { ModelConfig } from '../../config/model-config.js';

/**
 * Baichuan's config.json keys: the shared Llama keys its config class lacks are left out, ALiBi models
 * have only `model_max_length`, and Baichuan2 (NormHead) carries `z_loss_weight` 0.
 */
export function writeBaichuanDifferences(c: ModelConfig): JsonObject {
  const alibi = c.positionEncoding === 'alibi';
  return {
    num_key_value_heads: undefined,
    head_dim: undefined,
    rope_theta: undefined,
    rope_scaling: undefined,
    attention_dropout: undefined,
    max_position_embeddings: alibi ? undefined : c.maxPositionEmbeddings,
    model_max_length: c.maxPositionEmbeddings,
    ...(c.normHead ? { z_loss_weight: 0 } : {}),
  };
}
