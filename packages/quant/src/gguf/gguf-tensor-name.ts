// Hugging Face parameter names -> llama.cpp's GGUF tensor names (gguf-py `constants.py` TENSOR_NAMES,
// `tensor_mapping.py`): the same names for every decoder this package exports.

const TOP_LEVEL: Readonly<Record<string, string>> = {
  'model.embed_tokens.weight': 'token_embd.weight',
  'model.norm.weight': 'output_norm.weight',
  'lm_head.weight': 'output.weight',
};

// Per layer, after `model.layers.N.`; the parameter suffix (.weight / .bias) is kept.
const IN_LAYER: Readonly<Record<string, string>> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'self_attn.q_norm': 'attn_q_norm',
  'self_attn.k_norm': 'attn_k_norm',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

const LAYER = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/;

/**
 * The GGUF name of a Hugging Face decoder parameter (`model.layers.3.self_attn.q_proj.weight` ->
 * `blk.3.attn_q.weight`), or undefined when llama.cpp has no tensor for it.
 */
export function ggufTensorName(hfName: string): string | undefined {
  const top = TOP_LEVEL[hfName];
  if (top !== undefined) return top;
  const m = LAYER.exec(hfName);
  if (m === null) return undefined;
  const module = IN_LAYER[m[2]!];
  return module === undefined ? undefined : `blk.${m[1]}.${module}.${m[3]}`;
}
