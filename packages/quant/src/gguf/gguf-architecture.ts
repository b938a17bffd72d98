// Which Hugging Face decoders llama.cpp runs, and how (llama.cpp's convert_hf_to_gguf.py registers
// LlamaForCausalLM and MistralForCausalLM as `LlamaModel`, Qwen2ForCausalLM as `Qwen2Model`,
// Qwen3ForCausalLM as `Qwen3Model`).

export interface GgufArchitecture {
  /** `general.architecture`: the prefix of the architecture's keys. */
  name: string;
  /**
   * llama.cpp rotates adjacent pairs for this architecture (LLAMA_ROPE_TYPE_NORM) where transformers
   * rotates halves, so q_proj/k_proj rows are permuted on export (qwen2/qwen3 rotate halves: NEOX).
   */
  permuteQk: boolean;
  /** Writes `{arch}.vocab_size` and `{arch}.rope.dimension_count`, as `LlamaModel` does. */
  llamaKeys: boolean;
}

/** config.json `model_type` -> how it is exported. */
export const GGUF_ARCHITECTURES: ReadonlyMap<string, GgufArchitecture> = new Map([
  ['llama', { name: 'llama', permuteQk: true, llamaKeys: true }],
  ['mistral', { name: 'llama', permuteQk: true, llamaKeys: true }],
  ['qwen2', { name: 'qwen2', permuteQk: false, llamaKeys: false }],
  ['qwen3', { name: 'qwen3', permuteQk: false, llamaKeys: false }],
]);
