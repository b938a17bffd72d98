import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../config/parse-model-config.js';
import { writeModelConfig } from '../../config/write-model-config.js';

const parse = (raw: Record<string, unknown>) => parseModelConfig(raw, 'config.json');

// google/gemma-3-1b-it's config.json keys (written by transformers 4.50).
const GEMMA3_1B = {
  architectures: ['Gemma3ForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  attn_logit_softcapping: null,
  bos_token_id: 2,
  cache_implementation: 'hybrid',
  eos_token_id: [1, 106],
  final_logit_softcapping: null,
  head_dim: 256,
  hidden_activation: 'gelu_pytorch_tanh',
  hidden_size: 1152,
  initializer_range: 0.02,
  intermediate_size: 6912,
  max_position_embeddings: 32768,
  model_type: 'gemma3_text',
  num_attention_heads: 4,
  num_hidden_layers: 26,
  num_key_value_heads: 1,
  pad_token_id: 0,
  query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-6,
  rope_local_base_freq: 10000,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: 512,
  sliding_window_pattern: 6,
  torch_dtype: 'bfloat16',
  transformers_version: '4.50.0.dev0',
  use_cache: true,
  vocab_size: 262144,
};

describe('gemma3_text config', () => {
  it('reads a Hub config: q/k norms, no soft-caps, 5 sliding layers per full one, a local RoPE base', () => {
    const c = parse(GEMMA3_1B);
    expect(c).toMatchObject({
      className: 'Gemma3ForCausalLM',
      qkNorm: true,
      attnLogitSoftcapping: null,
      finalLogitSoftcapping: null,
      ropeTheta: 1_000_000,
      ropeScaling: null,
      localRope: { ropeTheta: 10_000, ropeScaling: null },
      dtype: 'bfloat16',
    });
    expect(c.slidingWindows).toEqual(Array.from({ length: 26 }, (_, i) => ((i + 1) % 6 === 0 ? null : 512)));
    expect(parse(writeModelConfig(c))).toEqual(c);
  });

  it("reads transformers 5's per-layer-type rope_parameters, scaling the global RoPE only", () => {
    const { rope_theta: _t, rope_scaling: _s, rope_local_base_freq: _l, ...rest } = GEMMA3_1B;
    const c = parse({
      ...rest,
      rope_parameters: {
        full_attention: { rope_type: 'linear', factor: 8.0, rope_theta: 1_000_000 },
        sliding_attention: { rope_type: 'default', rope_theta: 10_000 },
      },
    });
    expect(c.ropeScaling).toEqual({ rope_type: 'linear', factor: 8 });
    expect(c.localRope).toEqual({ ropeTheta: 10_000, ropeScaling: null });
    // A missing layer type falls back to the legacy key, then the class default.
    const partial = parse({ ...rest, rope_local_base_freq: 500, rope_parameters: { full_attention: {} } });
    expect([partial.ropeTheta, partial.localRope]).toEqual([
      1_000_000,
      { ropeTheta: 500, ropeScaling: null },
    ]);
  });

  it('refuses the multimodal gemma3 config, flat or dynamic local rope_parameters, naming the key', () => {
    expect(() => parse({ model_type: 'gemma3', text_config: {} })).toThrow(/"model_type".*gemma3_text/);
    const { rope_theta: _t, rope_scaling: _s, rope_local_base_freq: _l, ...rest } = GEMMA3_1B;
    expect(() => parse({ ...rest, rope_parameters: { rope_type: 'default', rope_theta: 1e6 } })).toThrow(
      /"rope_parameters".*one dict per layer type/,
    );
    expect(() =>
      parse({
        ...rest,
        rope_parameters: { full_attention: {}, sliding_attention: { rope_type: 'dynamic', factor: 2 } },
      }),
    ).toThrow(/"rope_parameters".*static local RoPE/);
  });
});
