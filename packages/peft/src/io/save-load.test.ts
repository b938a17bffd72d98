import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeak, SafetensorsFile, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapterConfigJson, parseAdapterConfig } from '../config/adapter-config-json.js';
import { PeftModel } from '../peft-model.js';
import { fixtureBatch, loadBase, logitsOf, maxDiffAtMask } from '../test-support.js';

const root = mkdtempSync(join(tmpdir(), 'medgpt-peft-io-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PEFT format', () => {
  it('writes peft names and adapter_config.json, and loads back to the same logits', () =>
    expectNoLeak(async () => {
      const dir = join(root, 'dora');
      const model = await loadBase('qwen2');
      const peft = new PeftModel(model);
      peft.addAdapter(
        'default',
        {
          target_modules: ['q_proj', 'down_proj'],
          r: 2,
          lora_alpha: 4,
          use_dora: true,
          bias: 'lora_only',
          init_lora_weights: false,
        },
        { seed: 9 },
      );
      const batch = fixtureBatch('qwen2');
      const ours = logitsOf(model, batch);
      await peft.saveAdapter(dir, 'default', { baseModelNameOrPath: 'fixtures/qwen2' });

      const file = await SafetensorsFile.open(join(dir, 'adapter_model.safetensors'));
      const names = [...file.names].sort();
      expect(file.metadata).toEqual({ format: 'pt' });
      await file.close();
      const p = 'base_model.model.model.layers.0.';
      expect(names.filter((n) => n.startsWith(p))).toEqual([
        `${p}mlp.down_proj.lora_A.weight`,
        `${p}mlp.down_proj.lora_B.weight`,
        `${p}mlp.down_proj.lora_magnitude_vector`,
        `${p}self_attn.q_proj.base_layer.bias`,
        `${p}self_attn.q_proj.lora_A.weight`,
        `${p}self_attn.q_proj.lora_B.weight`,
        `${p}self_attn.q_proj.lora_magnitude_vector`,
      ]);
      const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
      expect(config).toMatchObject({
        peft_type: 'LORA',
        task_type: 'CAUSAL_LM',
        r: 2,
        lora_alpha: 4,
        use_dora: true,
        use_rslora: false,
        bias: 'lora_only',
        target_modules: ['down_proj', 'q_proj'],
        base_model_name_or_path: 'fixtures/qwen2',
        fan_in_fan_out: false,
      });
      expect(Object.keys(config)).toEqual(Object.keys(config).sort());
      peft.dispose();

      const reloaded = new PeftModel(model);
      await reloaded.loadAdapter(dir, 'again');
      expect(maxDiffAtMask(logitsOf(model, batch), ours, batch.attention_mask)).toBe(0);
      reloaded.dispose();
      model.dispose();
    }));

  it('refuses files that do not fit the config, naming file and tensor', () =>
    expectNoLeak(async () => {
      const dir = join(root, 'lora');
      const model = await loadBase('llama');
      const peft = new PeftModel(model);
      peft.addAdapter('default', { target_modules: ['q_proj'], r: 2 });
      await peft.saveAdapter(dir);
      peft.dispose();
      const configFile = join(dir, 'adapter_config.json');
      const good = readFileSync(configFile, 'utf8');
      const rewrite = (patch: Record<string, unknown>) =>
        writeFileSync(configFile, JSON.stringify({ ...JSON.parse(good), ...patch }));

      rewrite({ r: 3 });
      const again = new PeftModel(model);
      const load = () => again.loadAdapter(dir);
      await expect(load()).rejects.toThrow(
        `adapter_model.safetensors: "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight": has shape [2,16]; expected [3,16]`,
      );
      rewrite({ target_modules: ['q_proj', 'v_proj'] });
      await expect(load()).rejects.toThrow(
        '"base_model.model.model.layers.0.self_attn.v_proj": has no lora_A, lora_B tensor',
      );
      rewrite({ layers_to_transform: [0] });
      await expect(load()).rejects.toThrow(
        '"base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight": is for a layer the config does not adapt (2 such tensors)',
      );
      writeFileSync(configFile, good);
      expect(again.adapterNames).toEqual([]);
      again.dispose();
      model.dispose();
    }));
});

describe('parseAdapterConfig', () => {
  const base = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: 8,
    lora_alpha: 16,
    target_modules: ['q_proj'],
  };

  it('reads a peft config with its defaults and ignores unset newer fields', () => {
    const c = parseAdapterConfig(
      { ...base, use_qalora: false, target_parameters: null, qalora_group_size: 16, peft_version: '0.21.0' },
      'f',
    );
    expect([c.r, c.lora_alpha, c.lora_dropout, c.bias, c.use_dora, c.init_lora_weights]).toEqual([
      8,
      16,
      0,
      'none',
      false,
      true,
    ]);
  });

  it('a SEQ_CLS adapter trains the classifier heads in full, as peft extends modules_to_save', () => {
    const c = parseAdapterConfig({ ...base, task_type: 'SEQ_CLS', modules_to_save: ['embed_tokens'] }, 'f');
    expect(c.task_type).toBe('SEQ_CLS');
    expect(c.modules_to_save).toEqual(['embed_tokens', 'classifier', 'score']);
    expect(JSON.parse(adapterConfigJson(c)).task_type).toBe('SEQ_CLS');
    expect(parseAdapterConfig({ ...base, task_type: null }, 'f').task_type).toBe('CAUSAL_LM');
  });

  it('refuses settings that change the math, other adapter types and tasks', () => {
    expect(() => parseAdapterConfig({ ...base, lora_bias: true }, 'f')).toThrow(
      'f: "lora_bias": is true; @medgpt/peft does not implement this setting',
    );
    expect(() => parseAdapterConfig({ ...base, peft_type: 'IA3' }, 'f')).toThrow(
      '"peft_type": is "IA3"; expected "LORA"',
    );
    expect(() => parseAdapterConfig({ ...base, task_type: 'TOKEN_CLS' }, 'f')).toThrow(
      '"task_type": is "TOKEN_CLS"; expected one of "CAUSAL_LM", "SEQ_CLS"',
    );
    expect(() => parseAdapterConfig({ ...base, init_lora_weights: 'pissa' }, 'f')).toThrow(
      'rewrites the base model',
    );
    expect(() => parseAdapterConfig({ ...base, lora_dropout: 1 }, 'f')).toThrow(
      '"lora_dropout": is 1; expected a number in [0, 1)',
    );
  });
});
