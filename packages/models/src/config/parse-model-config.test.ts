import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, fixtureDir } from '../test-fixtures.js';
import { parseModelConfig } from './parse-model-config.js';
import { writeModelConfig } from './write-model-config.js';

const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`${fixtureDir(name)}/config.json`, 'utf8')) as Record<string, unknown>;
const parse = (config: Record<string, unknown>) => parseModelConfig(config, 'config.json');

// A transformers-4 spelling of a transformers-5 config: rope_theta + rope_scaling, torch_dtype (Gemma 3:
// its full-attention RoPE so, the local one as rope_local_base_freq). Baichuan's remote config has neither.
function asV4(config: Record<string, unknown>): Record<string, unknown> {
  const {
    rope_parameters: params,
    dtype,
    ...rest
  } = config as { rope_parameters?: Record<string, Record<string, unknown>>; dtype?: string };
  if (params === undefined) return config;
  const local = params.sliding_attention;
  const rope = local === undefined ? params : params.full_attention!;
  const { rope_theta: theta, ...scaling } = rope;
  return {
    ...rest,
    torch_dtype: dtype,
    rope_theta: theta,
    rope_scaling: scaling.rope_type === 'default' ? null : scaling,
    ...(local === undefined ? {} : { rope_local_base_freq: local.rope_theta }),
  };
}

describe('parseModelConfig', () => {
  it.each(FIXTURE_NAMES)('reads %s the same from transformers 4 and 5 keys', (name) => {
    const v5 = parse(raw(name));
    expect(parse(asV4(raw(name)))).toEqual(v5);
    expect(parse(writeModelConfig(v5))).toEqual(v5);
  });

  it('resolves what differs per architecture', () => {
    const qwen2 = parse(raw('qwen2'));
    expect([qwen2.qkvBias, qwen2.outputBias, qwen2.qkNorm, qwen2.slidingWindows]).toEqual([
      true,
      false,
      false,
      [null, null],
    ]);
    const qwen3 = parse(raw('qwen3'));
    expect([qwen3.qkvBias, qwen3.qkNorm, qwen3.headDim]).toEqual([false, true, 8]);
    expect(parse(raw('mistral')).slidingWindows).toEqual([4, 4]);
    const llama3 = parse(raw('llama3-rope'));
    expect(llama3.ropeScaling).toEqual({
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 16,
    });
    expect([llama3.ropeTheta, llama3.tieWordEmbeddings, llama3.eosTokenIds]).toEqual([500000, true, [2]]);
    expect(parse(raw('qwen2-bf16')).dtype).toBe('bfloat16');
  });

  it("applies transformers' defaults: Qwen3 head_dim 128, Mistral window 4096, no kv heads = MHA", () => {
    const { head_dim: _h, ...qwen3 } = raw('qwen3');
    expect(parse(qwen3).headDim).toBe(128);
    const { sliding_window: _s, ...mistral } = raw('mistral');
    expect(parse(mistral).slidingWindows).toEqual([4096, 4096]);
    const { num_key_value_heads: _k, ...llama } = raw('llama');
    expect(parse(llama).numKeyValueHeads).toBe(4);
  });

  it("follows Qwen2's sliding-window rules (use_sliding_window, max_window_layers, layer_types)", () => {
    const base: Record<string, unknown> = { ...raw('qwen2'), num_hidden_layers: 4, sliding_window: 16 };
    delete base.layer_types;
    expect(parse(base).slidingWindows).toEqual([null, null, null, null]);
    expect(parse({ ...base, use_sliding_window: true, max_window_layers: 2 }).slidingWindows).toEqual([
      null,
      null,
      16,
      16,
    ]);
    const types = ['sliding_attention', 'full_attention', 'sliding_attention', 'full_attention'];
    expect(parse({ ...base, use_sliding_window: true, layer_types: types }).slidingWindows).toEqual([
      16,
      null,
      16,
      null,
    ]);
    expect(() => parse({ ...base, layer_types: ['full_attention'] })).toThrow(
      /"layer_types": .*expected 4 entries/,
    );
  });

  it('refuses what would make a silently wrong model, naming file and key', () => {
    expect(() => parse({ ...raw('llama'), model_type: 'gpt2' })).toThrow(
      /config.json: "model_type": 'gpt2' is not supported; supported: llama, qwen2, qwen3, mistral/,
    );
    expect(() => parse({ ...raw('llama'), hidden_act: 'gelu' })).toThrow(/"hidden_act": is 'gelu'/);
    expect(() => parse({ ...raw('llama'), logit_softcapping: 30 })).toThrow(
      /unknown config key\(s\) 'logit_softcapping'/,
    );
    expect(() =>
      parse({ ...raw('llama'), rope_parameters: { rope_type: 'longrope', rope_theta: 1e4 } }),
    ).toThrow(/"rope_parameters": rope_type 'longrope' is not supported/);
    expect(() =>
      parse({ ...raw('llama'), rope_parameters: { rope_type: 'llama3', rope_theta: 1e4 } }),
    ).toThrow(/"rope_parameters": .*factor must be a positive number/);
    expect(() => parse({ ...raw('llama'), quantization_config: { quant_method: 'bitsandbytes' } })).toThrow(
      /quantized/,
    );
    // A caller that reads quantised weights (@medgpt/quant) says so by ignoring the key.
    expect(
      parseModelConfig({ ...raw('llama'), quantization_config: { quant_method: 'bitsandbytes' } }, 'c', {
        ignoreKeys: ['quantization_config'],
      }).modelType,
    ).toBe('llama');
    expect(() => parse({ ...raw('llama'), attention_dropout: 0.1 })).toThrow(/"attention_dropout": is 0.1/);
    expect(() => parse({ ...raw('llama'), num_key_value_heads: 3 })).toThrow(
      /must divide num_attention_heads/,
    );
    expect(() => parse({ ...raw('mistral'), layer_types: ['full_attention', 'sliding_attention'] })).toThrow(
      /Ministral/,
    );
    expect(() => parse({ ...raw('llama'), dtype: 'float64' })).toThrow(/"dtype": is 'float64'/);
  });

  it('accepts unknown keys the caller vouches for, and neutral or private ones', () => {
    const config = {
      ...raw('llama'),
      my_note: 'x',
      _name_or_path: 'here',
      pretraining_tp: 1,
      max_length: 20,
    };
    expect(() => parse(config)).toThrow(/'my_note'/);
    expect(parseModelConfig(config, 'config.json', { ignoreKeys: ['my_note'] }).modelType).toBe('llama');
  });

  describe('sequence-classification configs', () => {
    const seqCls = (name: string, extra: Record<string, unknown>) =>
      parse({ ...raw(name), architectures: ['Qwen2ForSequenceClassification'], ...extra });

    it('reads the score head from architectures and id2label / num_labels (default 2)', () => {
      const labels = { id2label: { '0': 'LABEL_0' }, label2id: { LABEL_0: 0 } };
      const one = seqCls('qwen2', labels);
      expect([one.className, one.numLabels]).toEqual(['Qwen2ForSequenceClassification', 1]);
      expect(seqCls('qwen2', { num_labels: 3 }).numLabels).toBe(3);
      expect(seqCls('qwen2', { ...labels, num_labels: 1 }).numLabels).toBe(1);
      expect(seqCls('qwen2', {}).numLabels).toBe(2);
      // The class follows model_type, as transformers' Auto classes do.
      expect(parse({ ...raw('llama'), architectures: ['LlamaForSequenceClassification'] }).className).toBe(
        'LlamaForSequenceClassification',
      );
      expect(parse(writeModelConfig(one))).toEqual(one);
      expect(writeModelConfig(one)).toMatchObject({
        architectures: ['Qwen2ForSequenceClassification'],
        ...labels,
      });
    });

    it('keeps a causal LM a causal LM whatever label keys it carries', () => {
      const lm = parse({
        ...raw('qwen2'),
        id2label: { '0': 'a', '1': 'b' },
        label2id: { a: 0, b: 1 },
        num_labels: 2,
      });
      expect([lm.className, lm.numLabels]).toEqual(['Qwen2ForCausalLM', null]);
      expect(parse(raw('llama')).numLabels).toBeNull();
    });

    it('refuses label keys that disagree or are malformed, naming file and key', () => {
      expect(() => seqCls('qwen2', { id2label: { '0': 'a' }, num_labels: 2 })).toThrow(
        /config.json: "num_labels": is 2 but id2label has 1 entries; they must agree/,
      );
      expect(() => seqCls('qwen2', { id2label: { '0': 'a', '5': 'b' } })).toThrow(
        /"id2label": is .*; expected \{"0": "LABEL_0", ...\} with ids 0..n-1/,
      );
      expect(() => seqCls('qwen2', { id2label: {} })).toThrow(/"id2label"/);
      expect(() => seqCls('qwen2', { num_labels: 0 })).toThrow(
        /"num_labels": is 0; expected a positive integer/,
      );
      expect(() => parse({ ...raw('qwen2'), architectures: 'Qwen2ForSequenceClassification' })).toThrow(
        /"architectures": is "Qwen2ForSequenceClassification"; expected a list of class names/,
      );
    });
  });
});
