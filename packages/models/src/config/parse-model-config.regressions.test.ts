// Bugs the fuzzing of config.json / generation_config.json found (parse-model-config.fuzz.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../test-fixtures.js';
import { parseGenerationConfig } from './generation-config.js';
import { parseModelConfig } from './parse-model-config.js';

const raw = JSON.parse(readFileSync(`${fixtureDir('llama')}/config.json`, 'utf8')) as Record<string, unknown>;
const parse = (edit: Record<string, unknown>) => () => parseModelConfig({ ...raw, ...edit }, 'config.json');
const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;

describe('config.json regressions', () => {
  it('refuses a layer count or head size it would allocate gigabytes for (num_hidden_layers 2^31-1 aborted Node)', () => {
    expect(parse({ num_hidden_layers: 2 ** 31 - 1 })).toThrow(
      'config.json: "num_hidden_layers": is 2147483647; expected at most 4096',
    );
    expect(parse({ head_dim: 2 ** 28 })).toThrow('"head_dim": is 268435456; expected at most 65536');
  });

  it('refuses token ids of 2^31 and above and sizes that are not safe integers', () => {
    expect(parse({ pad_token_id: 1e21 })).toThrow('"pad_token_id": is 1e+21; expected a token id');
    expect(parse({ vocab_size: 1e21 })).toThrow('"vocab_size": is 1e+21; expected a positive integer');
  });

  it('refuses rope parameters of the wrong type instead of coercing them', () => {
    const rope = (extra: Record<string, unknown>) => ({
      rope_parameters: { rope_type: 'linear', rope_theta: 1e4, ...extra },
    });
    expect(parse(rope({ factor: '4' }))).toThrow('"rope_parameters": factor is "4"; expected a number');
    expect(parse(rope({ factor: 2, partial_rotary_factor: '0.5' }))).toThrow(
      'partial_rotary_factor is "0.5"',
    );
    expect(parse(rope({ factor: 2, truncate: 'no' }))).toThrow('truncate is "no"; expected true or false');
  });

  it('describes deeply nested values instead of overflowing the stack', () => {
    expect(parse({ rope_parameters: { rope_type: deep, rope_theta: 1e4 } })).toThrow(
      /rope_type \[+\[\.\.\.\]\]+ is not supported/,
    );
    expect(parse({ architectures: deep })).toThrow(/"architectures": is \[+/);
  });
});

describe('generation_config.json regressions', () => {
  const gen = (edit: Record<string, unknown>) => () => parseGenerationConfig(edit, 'generation_config.json');
  it('refuses sampling settings outside the ranges transformers accepts', () => {
    expect(gen({ top_p: 2 })).toThrow('"top_p": is 2; expected a number in [0, 1]');
    expect(gen({ min_p: -1 })).toThrow('"min_p": is -1; expected a number in [0, 1]');
    expect(gen({ top_k: 1.5 })).toThrow('"top_k": is 1.5; expected an integer >= 0');
    expect(gen({ temperature: -1 })).toThrow('"temperature": is -1; expected a number >= 0');
    expect(gen({ top_k: 0, top_p: 1, temperature: 0 })().topK).toBe(0);
  });
});
