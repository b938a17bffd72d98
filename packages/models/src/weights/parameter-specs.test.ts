import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../config/parse-model-config.js';
import { fixtureDir } from '../test-fixtures.js';
import { parameterSpecs } from './parameter-specs.js';

const config = (name: string, extra: Record<string, unknown> = {}) =>
  parseModelConfig(
    { ...JSON.parse(readFileSync(`${fixtureDir(name)}/config.json`, 'utf8')), ...extra },
    'config.json',
  );
const classifier = {
  architectures: ['LlamaForSequenceClassification'],
  id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
};

describe('parameterSpecs', () => {
  it('ends with lm_head.weight when embeddings are untied, with nothing when tied', () => {
    expect(parameterSpecs(config('llama')).at(-1)).toEqual({
      name: 'lm_head.weight',
      shape: [64, 16],
      kind: 'linear',
    });
    expect(parameterSpecs(config('qwen2')).at(-1)?.name).toBe('model.norm.weight');
  });

  it.each([
    ['llama', false],
    ['qwen2', true],
  ])('%s: a score head takes the place of the LM head (tied: %s); the body is unchanged', (name) => {
    const lm = parameterSpecs(config(name));
    const seqCls = parameterSpecs(
      config(name, { ...classifier, architectures: ['XForSequenceClassification'] }),
    );
    expect(seqCls.at(-1)).toEqual({ name: 'score.weight', shape: [2, 16], kind: 'linear' });
    expect(seqCls.slice(0, -1)).toEqual(lm.filter((s) => s.name !== 'lm_head.weight'));
    expect(seqCls[0]!.name).toBe('model.embed_tokens.weight');
  });
});
