// Bugs the fuzzing of adapter_config.json found (adapter-config-json.fuzz.ts), one case each.
import { parseModelConfig } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { PeftError } from '../peft-error.js';
import { adapterConfigJson, parseAdapterConfig } from './adapter-config-json.js';
import { createLoraConfig } from './lora-config.js';
import { resolveTargets } from './resolve-targets.js';

const FILE = 'adapter_config.json';
const base = JSON.parse(
  adapterConfigJson(createLoraConfig({ target_modules: ['q_proj', 'v_proj'] })),
) as Record<string, unknown>;
const parse = (edit: Record<string, unknown>) => () => parseAdapterConfig({ ...base, ...edit }, FILE);
const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;
const model = parseModelConfig(
  {
    model_type: 'llama',
    vocab_size: 32,
    hidden_size: 8,
    intermediate_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    max_position_embeddings: 64,
  },
  'config.json',
);

describe('adapter_config.json regressions', () => {
  it('describes deeply nested values instead of overflowing the stack', () => {
    expect(parse({ lora_bias: deep })).toThrow(PeftError);
    expect(parse({ lora_bias: deep })).toThrow(
      /"lora_bias": is \[+\[\.\.\.\]\]+; @medgpt\/peft does not implement/,
    );
    expect(parse({ r: deep })).toThrow(/"r": is \[+/);
  });

  it('checks modules_to_save before adding the SEQ_CLS heads to it (a string crashed with "not iterable")', () => {
    expect(parse({ task_type: 'SEQ_CLS', modules_to_save: 'score' })).toThrow(
      'adapter_config.json: "modules_to_save": is "score"; expected null or a list of names',
    );
  });

  it('checks the types of base_model_name_or_path and revision', () => {
    expect(parse({ base_model_name_or_path: deep })).toThrow('"base_model_name_or_path"');
    expect(parse({ revision: 3 })).toThrow('"revision": is 3; expected null or a string');
  });

  it('checks exclude_modules and layers_pattern as the regular expressions they are used as', () => {
    expect(parse({ exclude_modules: '(' })).toThrow(
      '"exclude_modules": "(" is not a valid regular expression',
    );
    expect(parse({ layers_pattern: ['('], target_modules: ['q_proj'] })).toThrow('"layers_pattern[0]"');
  });

  it('finds a regular expression V8 only refuses on first use ("too large")', () => {
    expect(parse({ target_modules: 'x'.repeat(100_000) })).toThrow('Regular expression too large');
  });

  it('matches modules_to_save as names, not patterns', () => {
    // "(" crashed resolveTargets with a SyntaxError; "q.proj" matched q_proj as a regex.
    const c = (modules: string[]) => parseAdapterConfig({ ...base, modules_to_save: modules }, FILE);
    expect(() => resolveTargets(c(['(']), model, FILE)).not.toThrow();
    const targets = resolveTargets(c(['self_attn.q.proj']), model, FILE).map((t) => t.module);
    expect(targets).toContain('model.layers.0.self_attn.q_proj');
    expect(resolveTargets(c(['q_proj']), model, FILE).map((t) => t.module)).not.toContain(
      'model.layers.0.self_attn.q_proj',
    );
  });

  it('refuses ranks that are not safe integers', () => {
    expect(parse({ rank_pattern: { q_proj: 3e221 } })).toThrow('"rank_pattern.q_proj"');
    expect(parse({ r: 2 ** 60 })).toThrow('"r": is 1152921504606847000; expected a positive integer');
  });
});
