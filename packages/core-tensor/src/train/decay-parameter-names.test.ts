import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import {
  getDecayParameterNames,
  isDecayParameterName,
  weightDecayParamGroups,
} from './decay-parameter-names.js';

describe('getDecayParameterNames', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('exempts biases and norm weights of Llama, Qwen2 and Qwen3 names, as HF does', () => {
    const decayed = [
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
      'lm_head.weight',
      'base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight',
      // "norm" inside a word is not a norm module: HF's patterns need a dot or an underscore.
      'model.layers.0.normalizer.weight',
      'model.enormous.weight',
    ];
    const exempt = [
      'model.layers.0.self_attn.q_proj.bias', // Qwen2 qkv bias
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.post_attention_layernorm.weight',
      'model.norm.weight',
      'model.layers.3.self_attn.q_norm.weight', // Qwen3
      'model.layers.3.self_attn.k_norm.weight',
      'transformer.ln_f.RMSNorm.weight',
      'norm.weight',
    ];
    expect(getDecayParameterNames([...decayed, ...exempt])).toEqual(decayed);
    expect(isDecayParameterName('transformer.h.0.ln_1.weight')).toBe(true);
    expect(isDecayParameterName('transformer.h.0.ln_1.weight', [/\.ln_/])).toBe(false);
  });

  it('builds the two HF optimizer groups from variables', () => {
    const [w, n] = tf.tidy(() => [
      tf.variable(tf.zeros([2, 2]), true, 'dpn.layers.0.mlp.up_proj.weight'),
      tf.variable(tf.ones([2]), true, 'dpn.layers.0.input_layernorm.weight'),
    ]);
    const groups = weightDecayParamGroups([w, n], 0.05);
    expect(groups.map((g) => [g.params.map((v) => v.name), g.weightDecay])).toEqual([
      [['dpn.layers.0.mlp.up_proj.weight'], 0.05],
      [['dpn.layers.0.input_layernorm.weight'], 0],
    ]);
    expect(weightDecayParamGroups([n], 0.05)).toEqual([{ params: [n], weightDecay: 0 }]);
    tf.dispose([w, n]);
  });
});
