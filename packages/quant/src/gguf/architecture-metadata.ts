import type { ModelConfig } from '@medgpt/models';
import type { GgufArchitecture } from './gguf-architecture.js';
import { ggufValue, type GgufValue } from './gguf-value.js';

/**
 * The `{arch}.*` hyperparameter keys llama.cpp reads, typed as it checks them (u32 sizes, f32 eps and
 * RoPE base), as convert_hf_to_gguf.py's `TextModel.set_gguf_parameters` writes them; the `llama`
 * architecture adds `vocab_size` and `rope.dimension_count` (`LlamaModel`).
 */
export function architectureMetadata(c: ModelConfig, arch: GgufArchitecture): [string, GgufValue][] {
  const a = arch.name;
  const out: [string, GgufValue][] = [
    [`${a}.context_length`, ggufValue.u32(c.maxPositionEmbeddings)],
    [`${a}.embedding_length`, ggufValue.u32(c.hiddenSize)],
    [`${a}.block_count`, ggufValue.u32(c.numHiddenLayers)],
    [`${a}.feed_forward_length`, ggufValue.u32(c.intermediateSize)],
    [`${a}.attention.head_count`, ggufValue.u32(c.numAttentionHeads)],
    [`${a}.attention.head_count_kv`, ggufValue.u32(c.numKeyValueHeads)],
    [`${a}.rope.freq_base`, ggufValue.f32(c.ropeTheta)],
    [`${a}.attention.layer_norm_rms_epsilon`, ggufValue.f32(c.rmsNormEps)],
    [`${a}.attention.key_length`, ggufValue.u32(c.headDim)],
    [`${a}.attention.value_length`, ggufValue.u32(c.headDim)],
  ];
  if (arch.llamaKeys) {
    out.push([`${a}.vocab_size`, ggufValue.u32(c.vocabSize)]);
    out.push([`${a}.rope.dimension_count`, ggufValue.u32(c.headDim)]);
  }
  return out;
}
