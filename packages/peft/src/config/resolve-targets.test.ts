import { readFileSync } from 'node:fs';
import { parseModelConfig } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { baseDir } from '../test-support.js';
import { createLoraConfig, type LoraConfigOptions } from './lora-config.js';
import { medicalGptLoraConfig } from './medicalgpt-lora-args.js';
import { allLinearNames, expandAllTargets, resolveTargets } from './resolve-targets.js';

const file = `${baseDir('llama')}/config.json`;
const model = { config: parseModelConfig(JSON.parse(readFileSync(file, 'utf8')), file) };

const targets = (options: LoraConfigOptions) =>
  resolveTargets(expandAllTargets(createLoraConfig(options), model.config), model.config, 'test').map(
    (t) => t.module,
  );

describe('resolveTargets (peft matching rules)', () => {
  it("expands MedicalGPT's 'all' to every linear leaf name but lm_head, like peft's all-linear", () => {
    expect(allLinearNames(model.config)).toEqual([
      'down_proj',
      'gate_proj',
      'k_proj',
      'o_proj',
      'q_proj',
      'up_proj',
      'v_proj',
    ]);
    expect(targets({ target_modules: 'all' })).toEqual(targets({ target_modules: 'all-linear' }));
    expect(targets({ target_modules: 'all' })).toHaveLength(14);
  });

  it('matches list entries by name suffix, a string as a full-match regex, with exclusions and layers', () => {
    expect(targets({ target_modules: ['self_attn.q_proj'] })).toEqual(
      [0, 1].map((i) => `model.layers.${i}.self_attn.q_proj`),
    );
    expect(targets({ target_modules: '.*1\\.mlp\\.(up|down)_proj' })).toEqual([
      'model.layers.1.mlp.up_proj',
      'model.layers.1.mlp.down_proj',
    ]);
    expect(
      targets({
        target_modules: 'all',
        exclude_modules: ['mlp.down_proj', 'k_proj', 'v_proj', 'o_proj'],
        layers_to_transform: [0],
      }),
    ).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.mlp.gate_proj',
      'model.layers.0.mlp.up_proj',
    ]);
  });

  it('a regex must match the whole name (peft uses re.fullmatch)', () => {
    expect(() => targets({ target_modules: 'q_proj' })).toThrow(
      '"q_proj" matches no linear layer of this LlamaForCausalLM',
    );
  });

  it("builds MedicalGPT's LoRA config from its flags and defaults", () => {
    const c = medicalGptLoraConfig({
      target_modules: 'q_proj, v_proj',
      lora_rank: 16,
      modules_to_save: 'embed_tokens,lm_head',
    });
    expect([c.target_modules, c.r, c.lora_alpha, c.lora_dropout, c.modules_to_save]).toEqual([
      ['q_proj', 'v_proj'],
      16,
      32,
      0.05,
      ['embed_tokens', 'lm_head'],
    ]);
    expect(medicalGptLoraConfig({}).target_modules).toBe('all');
  });
});
