import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from '@medgpt/core-tensor';
import type { ModelConfig } from '../config/model-config.js';

/**
 * Gemma's embedding multiplier: sqrt(hiddenSize) as a float32, rounded to the weight dtype as
 * transformers does (`embed_scale.to(weight.dtype)`: sqrt(3072) = 55.4256 becomes 55.5 in bf16).
 */
export function embeddingScale(config: ModelConfig): number {
  const scale = new Float32Array([Math.sqrt(config.hiddenSize)]);
  if (config.dtype === 'bfloat16') return bf16ToFloat32(float32ToBf16(scale))[0]!;
  if (config.dtype === 'float16') return f16ToFloat32(float32ToF16(scale))[0]!;
  return scale[0]!;
}
