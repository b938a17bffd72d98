import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../config/parse-model-config.js';
import { writeModelConfig } from '../../config/write-model-config.js';

const parse = (raw: Record<string, unknown>) => parseModelConfig(raw, 'config.json');

// google/gemma-2-2b's config.json keys (written by transformers 4.42).
const GEMMA2_2B = {
  architectures: ['Gemma2ForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  attn_logit_softcapping: 50.0,
  bos_token_id: 2,
  cache_implementation: 'hybrid',
  eos_token_id: [1, 107],
  final_logit_softcapping: 30.0,
  head_dim: 256,
  hidden_act: 'gelu_pytorch_tanh',
  hidden_activation: 'gelu_pytorch_tanh',
  hidden_size: 2304,
  initializer_range: 0.02,
  intermediate_size: 9216,
  max_position_embeddings: 8192,
  model_type: 'gemma2',
  num_attention_heads: 8,
  num_hidden_layers: 26,
  num_key_value_heads: 4,
  pad_token_id: 0,
  query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-6,
  rope_theta: 10000.0,
  sliding_window: 4096,
  torch_dtype: 'float32',
  transformers_version: '4.42.4',
  use_cache: true,
  vocab_size: 256000,
};

describe('gemma2 config', () => {
  it('reads a Hub config: GeGLU, Gemma norms and embedding scale, soft-caps, every other layer sliding', () => {
    const c = parse(GEMMA2_2B);
    expect(c).toMatchObject({
      className: 'Gemma2ForCausalLM',
      headDim: 256,
      hiddenAct: 'gelu_pytorch_tanh',
      normPlusOne: true,
      scaleEmbeddings: true,
      sandwichNorms: true,
      queryPreAttnScalar: 256,
      attnLogitSoftcapping: 50,
      finalLogitSoftcapping: 30,
      qkNorm: false,
      tieWordEmbeddings: true,
      eosTokenIds: [1, 107],
    });
    expect(c.slidingWindows).toEqual(Array.from({ length: 26 }, (_, i) => (i % 2 === 0 ? 4096 : null)));
    expect(parse(writeModelConfig(c))).toEqual(c);
  });

  it("applies Gemma2Config's defaults and reads null soft-caps as none", () => {
    const minimal = {
      model_type: 'gemma2',
      vocab_size: 32,
      hidden_size: 16,
      intermediate_size: 32,
      num_hidden_layers: 3,
      num_attention_heads: 2,
    };
    expect(parse(minimal)).toMatchObject({
      headDim: 256,
      maxPositionEmbeddings: 8192,
      queryPreAttnScalar: 256,
      attnLogitSoftcapping: 50,
      finalLogitSoftcapping: 30,
      slidingWindows: [4096, null, 4096],
      tieWordEmbeddings: true,
    });
    const uncapped = parse({ ...minimal, attn_logit_softcapping: null, final_logit_softcapping: null });
    expect([uncapped.attnLogitSoftcapping, uncapped.finalLogitSoftcapping]).toEqual([null, null]);
    const typed = parse({
      ...minimal,
      layer_types: ['full_attention', 'full_attention', 'sliding_attention'],
    });
    expect(typed.slidingWindows).toEqual([null, null, 4096]);
  });

  it.each([
    ['hidden_activation', { hidden_activation: 'gelu' }, /gelu_pytorch_tanh/],
    ['use_bidirectional_attention', { use_bidirectional_attention: true }, /encoder/],
    ['layer_types', { layer_types: ['full_attention'] }, /26 entries/],
    ['sliding_window', { sliding_window: null }, /some layers are sliding_attention/],
    ['sliding_window_size', { sliding_window_size: 512 }, /expected sliding_window \(4096\)/],
    ['partial_rotary_factor', { partial_rotary_factor: 0.5 }, /whole heads/],
  ])('refuses %s that would change the math, naming the key', (key, patch, message) => {
    expect(() => parse({ ...GEMMA2_2B, ...patch })).toThrow(new RegExp(`"${key}".*`));
    expect(() => parse({ ...GEMMA2_2B, ...patch })).toThrow(message);
  });

  it('accepts the older sliding_window_size when it equals sliding_window', () => {
    expect(parse({ ...GEMMA2_2B, sliding_window_size: 4096 }).slidingWindows[0]).toBe(4096);
  });
});
