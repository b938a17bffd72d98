import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../config/parse-model-config.js';
import { loadModel } from '../../io/load-model.js';
import { fixtureDir } from '../../test-fixtures.js';
import { createTinyModel } from '../../tiny/create-tiny-model.js';

const parse = (raw: Record<string, unknown>) => parseModelConfig(raw, 'config.json');

// The keys of the released Baichuan configs (sizes of the real checkpoints).
const COMMON = {
  auto_map: { AutoConfig: 'configuration_baichuan.BaichuanConfig' },
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  initializer_range: 0.02,
  model_type: 'baichuan',
  pad_token_id: 0,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.29.2',
  use_cache: true,
};
const SEVEN_B = {
  hidden_size: 4096,
  intermediate_size: 11008,
  num_attention_heads: 32,
  num_hidden_layers: 32,
};
const THIRTEEN_B = {
  hidden_size: 5120,
  intermediate_size: 13696,
  num_attention_heads: 40,
  num_hidden_layers: 40,
};
const RELEASED = {
  'Baichuan-7B': {
    ...COMMON,
    ...SEVEN_B,
    architectures: ['BaiChuanForCausalLM'],
    max_position_embeddings: 4096,
    vocab_size: 64000,
  },
  'Baichuan-13B': {
    ...COMMON,
    ...THIRTEEN_B,
    architectures: ['BaichuanForCausalLM'],
    model_max_length: 4096,
    vocab_size: 64000,
  },
  'Baichuan2-7B': {
    ...COMMON,
    ...SEVEN_B,
    architectures: ['BaichuanForCausalLM'],
    max_position_embeddings: 4096,
    model_max_length: 4096,
    vocab_size: 125696,
    z_loss_weight: 0,
  },
  'Baichuan2-13B': {
    ...COMMON,
    ...THIRTEEN_B,
    architectures: ['BaichuanForCausalLM'],
    gradient_checkpointing: false,
    model_max_length: 4096,
    tokenizer_class: 'BaichuanTokenizer',
    vocab_size: 125696,
    z_loss_weight: 0,
  },
};

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-baichuan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('baichuan config', () => {
  it.each([
    ['Baichuan-7B', 'rope', false],
    ['Baichuan-13B', 'alibi', false],
    ['Baichuan2-7B', 'rope', true],
    ['Baichuan2-13B', 'alibi', true],
  ] as const)('%s: %s, NormHead %s, fused W_pack, no GQA', (name, encoding, normHead) => {
    const c = parse(RELEASED[name]);
    expect(c.positionEncoding).toBe(encoding);
    expect(c.normHead ?? false).toBe(normHead);
    expect(c).toMatchObject({ packedQkv: true, maxPositionEmbeddings: 4096, ropeTheta: 10000 });
    expect(c.numKeyValueHeads).toBe(c.numAttentionHeads);
    expect(c.headDim).toBe(128);
  });

  it.each([
    ['z_loss_weight', { z_loss_weight: 0.1 }, /z-loss/],
    ['rope_theta', { rope_theta: 500000 }, /fixes RoPE/],
    ['tie_word_embeddings', { tie_word_embeddings: true }, /own lm_head/],
    ['num_key_value_heads', { num_key_value_heads: 8 }, /its own k\/v/],
    ['head_dim', { head_dim: 64 }, /hidden_size \/ num_attention_heads/],
    ['architectures', { architectures: ['BaichuanForSequenceClassification'] }, /no classifier class/],
  ])('refuses %s, naming the key', (key, patch, message) => {
    const raw = { ...RELEASED['Baichuan2-7B'], ...patch };
    expect(() => parse(raw)).toThrow(new RegExp(`"${key}"`));
    expect(() => parse(raw)).toThrow(message);
  });

  it('an ALiBi config without model_max_length is refused', () => {
    const { model_max_length: _, ...raw } = RELEASED['Baichuan-13B'];
    expect(() => parse(raw)).toThrow(/"model_max_length".*ALiBi/);
  });
});

describe('baichuan checkpoints', () => {
  it('a tiny Baichuan2 13B-style model writes the config keys of its family', async () => {
    const made = await createTinyModel(
      { architecture: 'baichuan', seed: 1, config: { positionEncoding: 'alibi', normHead: true } },
      join(dir, 'tiny-13b'),
    );
    const raw = JSON.parse(await readFile(join(made.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(raw).toMatchObject({
      architectures: ['BaichuanForCausalLM'],
      model_max_length: 512,
      z_loss_weight: 0,
    });
    for (const key of ['max_position_embeddings', 'head_dim', 'num_key_value_heads', 'rope_theta'])
      expect(raw, key).not.toHaveProperty(key);
    expect(made.config).toMatchObject({ positionEncoding: 'alibi', normHead: true, packedQkv: true });
  });

  it('loads as a causal LM only', async () => {
    await expect(loadModel(fixtureDir('baichuan-7b-rope'), { numLabels: 1 })).rejects.toThrow(
      /no sequence-classification class/,
    );
  });
});
