import type { ConfigReader } from '../../config/config-reader.js';

/**
 * Baichuan's context length. The RoPE models (Baichuan-7B, Baichuan2-7B) have
 * `max_position_embeddings`; the ALiBi ones (Baichuan-13B, Baichuan2-13B) only `model_max_length`,
 * which the RoPE models carry too (the tokenizer's limit).
 */
export function readBaichuanMaxPositions(r: ConfigReader): number {
  const modelMax = r.has('model_max_length') ? r.positiveInt('model_max_length') : null;
  if (r.has('max_position_embeddings')) return r.positiveInt('max_position_embeddings');
  if (modelMax === null)
    r.fail('model_max_length', 'is required when max_position_embeddings is absent (Baichuan 13B, ALiBi)');
  return modelMax;
}
