// Bugs the fuzzing of chat templates found (chat-template.fuzz.ts), one case each.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatTemplateError } from './chat-template.js';
import { ConversationTemplate } from './conversation-template.js';
import { chatTemplateFromConfig, loadChatTemplate, type TokenizerConfig } from './tokenizer-config.js';

const dirWith = (config: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-template-regressions-'));
  writeFileSync(join(dir, 'tokenizer_config.json'), config);
  return dir;
};
const fromConfig = (config: unknown) => () => chatTemplateFromConfig(config as TokenizerConfig);

describe('chat template regressions', () => {
  it('names tokenizer_config.json when it is not JSON (a bare SyntaxError escaped)', async () => {
    const dir = dirWith('{"chat_template": "{{ x }}"');
    const err = await loadChatTemplate(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatTemplateError);
    expect((err as Error).message).toMatch(
      new RegExp(`^${join(dir, 'tokenizer_config.json')} is not valid JSON`),
    );
  });

  it('checks chat_template and the special tokens before using them (a TypeError escaped)', () => {
    expect(fromConfig({ chat_template: 7 })).toThrow(
      'tokenizer_config.json: chat_template: expected a jinja string',
    );
    expect(fromConfig({ chat_template: [null] })).toThrow('chat_template[0]: expected');
    expect(fromConfig({ chat_template: '{{ x }}', eos_token: { content: 5 } })).toThrow(
      'eos_token: expected a string, {"content": string} or null',
    );
    expect(fromConfig({ chat_template: '{{ x }}', additional_special_tokens: 'a' })).toThrow(
      'additional_special_tokens: expected a list',
    );
    expect(fromConfig(null)).toThrow(ChatTemplateError);
  });

  it('does not take Object.prototype members for format fields ({constructor} rendered a function)', () => {
    const spec = { name: 'x', systemPrompt: '', roles: ['U', 'A'] as const, sep: '\n' };
    expect(() => new ConversationTemplate({ ...spec, prompt: 'Q: {constructor}' })).toThrow(
      'Format field {constructor} has no value',
    );
    expect(
      new ConversationTemplate({ ...spec, prompt: 'Q: {query}' }).formatPrompt([['{constructor}', '']]),
    ).toBe('Q: {constructor}');
  });
});
