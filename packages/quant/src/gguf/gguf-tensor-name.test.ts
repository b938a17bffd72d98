import { parameterSpecs, parseModelConfig } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { ggufTensorName } from './gguf-tensor-name.js';

describe('ggufTensorName', () => {
  it("maps every Qwen2 parameter (q/k/v biases included) to llama.cpp's names", () => {
    const base = parseModelConfig(
      {
        model_type: 'qwen2',
        hidden_size: 64,
        intermediate_size: 128,
        num_hidden_layers: 1,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        vocab_size: 300,
        max_position_embeddings: 64,
        tie_word_embeddings: false,
      },
      'config.json',
    );
    const names = parameterSpecs(base).map((s) => [s.name, ggufTensorName(s.name)]);
    expect(names).toEqual([
      ['model.embed_tokens.weight', 'token_embd.weight'],
      ['model.layers.0.self_attn.q_proj.weight', 'blk.0.attn_q.weight'],
      ['model.layers.0.self_attn.q_proj.bias', 'blk.0.attn_q.bias'],
      ['model.layers.0.self_attn.k_proj.weight', 'blk.0.attn_k.weight'],
      ['model.layers.0.self_attn.k_proj.bias', 'blk.0.attn_k.bias'],
      ['model.layers.0.self_attn.v_proj.weight', 'blk.0.attn_v.weight'],
      ['model.layers.0.self_attn.v_proj.bias', 'blk.0.attn_v.bias'],
      ['model.layers.0.self_attn.o_proj.weight', 'blk.0.attn_output.weight'],
      ['model.layers.0.mlp.gate_proj.weight', 'blk.0.ffn_gate.weight'],
      ['model.layers.0.mlp.up_proj.weight', 'blk.0.ffn_up.weight'],
      ['model.layers.0.mlp.down_proj.weight', 'blk.0.ffn_down.weight'],
      ['model.layers.0.input_layernorm.weight', 'blk.0.attn_norm.weight'],
      ['model.layers.0.post_attention_layernorm.weight', 'blk.0.ffn_norm.weight'],
      ['model.norm.weight', 'output_norm.weight'],
      ['lm_head.weight', 'output.weight'],
    ]);
  });

  it("maps Qwen3's q/k norms and layer numbers past 9, and nothing else", () => {
    expect(ggufTensorName('model.layers.12.self_attn.q_norm.weight')).toBe('blk.12.attn_q_norm.weight');
    expect(ggufTensorName('model.layers.3.self_attn.k_norm.weight')).toBe('blk.3.attn_k_norm.weight');
    expect(ggufTensorName('score.weight')).toBeUndefined();
    expect(ggufTensorName('model.layers.0.self_attn.rotary_emb.inv_freq')).toBeUndefined();
  });
});
