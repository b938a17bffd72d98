import { roundToBf16 } from '@medgpt/core-tensor';
import { EMBED_TOKENS, LM_HEAD, type CausalLM } from '@medgpt/models';

/**
 * Stores a k-bit model's embeddings and LM head in bf16 (core-tensor's roundToBf16) as bitsandbytes
 * keeps them in a bf16 model: on cuda they then take 2 bytes an element (the gather and the head's
 * matmuls read them as they are), 1 GB less for a 7B model. Only for a model whose weights are already
 * bf16 values (config dtype 'bfloat16': loading rounded every tensor to bf16), so it is lossless and
 * every result is unchanged. Returns the names stored so; none for another dtype.
 */
export function holdFrozenWeightsInBf16(model: CausalLM): string[] {
  if (model.config.dtype !== 'bfloat16') return [];
  const names = [EMBED_TOKENS, LM_HEAD].filter((n) => model.weights.has(n));
  for (const name of names) model.setWeight(name, roundToBf16(model.weight(name)));
  return names;
}
