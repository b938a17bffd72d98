import { releaseCachedMemory, roundToBf16, tf } from '@medgpt/core-tensor';
import { EMBED_TOKENS, isQuantizableParameter, LM_HEAD, parameterSpecs, type CausalLM } from '@medgpt/models';

export interface HoldInBf16Options {
  /**
   * Also the decoder layers' linear weights stored as float tensors (a LoRA base: q/k/v/o, gate/up/down),
   * not only the embeddings and the head. Mixture-of-experts experts and routers stay as they are (the
   * experts are stacked for grouped matmuls, a copy that would widen them again). Default false.
   */
  linears?: boolean;
}

/**
 * Stores a bf16 model's frozen embeddings and LM head (with `linears`, its decoder linear weights too)
 * in bf16 (core-tensor's roundToBf16) as bitsandbytes, or torch_dtype=bfloat16 with peft, keeps them:
 * on cuda they then take 2 bytes an element (the gather and the matmuls read them as they are): 1 GB
 * less for a 7B model's embeddings and head, 13 GB less for its linears. Only for a model whose weights
 * are already bf16 values (config dtype 'bfloat16': loading rounded every tensor to bf16), so it is
 * lossless and every result is unchanged. Trained weights (variables: full fine-tuning, peft's
 * modules_to_save copies) are left alone. Returns the names stored so; none for another dtype.
 */
export function holdFrozenWeightsInBf16(model: CausalLM, options: HoldInBf16Options = {}): string[] {
  if (model.config.dtype !== 'bfloat16') return [];
  const names = [EMBED_TOKENS, LM_HEAD];
  if (options.linears === true) {
    for (const spec of parameterSpecs(model.config))
      if (isQuantizableParameter(spec) && spec.moe === undefined) names.push(spec.name);
  }
  const held = names.filter((n) => model.weights.has(n) && !(model.weight(n) instanceof tf.Variable));
  for (const name of held) model.setWeight(name, roundToBf16(model.weight(name)));
  // The float32 tensors just freed would stay in a caching allocator's pool (and its peak).
  if (held.length > 0) releaseCachedMemory();
  return held;
}
