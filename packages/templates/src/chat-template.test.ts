import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChatTemplate, ChatTemplateError, type ChatMessage } from './chat-template.js';
import { chatTemplateFromConfig, loadChatTemplate, specialTokensFromConfig } from './tokenizer-config.js';

interface PyCase {
  name: string;
  messages: ChatMessage[];
  tools: object[] | null;
  add_generation_prompt: boolean;
  kwargs: Record<string, unknown>;
  text: string;
}
// Rendered by transformers' apply_chat_template(tokenize=False) from the same tokenizer files.
const pyFixture = JSON.parse(
  readFileSync(new URL('./fixtures/py-chat-templates.json', import.meta.url), 'utf8'),
) as Record<string, { dir: string; cases: PyCase[] }>;
const workspace = fileURLToPath(new URL('../../../', import.meta.url));

describe.each(Object.entries(pyFixture))('%s chat template matches transformers', (_, family) => {
  it.each(family.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const template = await loadChatTemplate(join(workspace, family.dir));
    const text = template.render(c.messages, {
      addGenerationPrompt: c.add_generation_prompt,
      tools: c.tools,
      kwargs: c.kwargs,
    });
    expect(text).toBe(c.text);
  });
});

describe('ChatTemplate', () => {
  it('binds the special tokens of the config', () => {
    const config = {
      chat_template: '{{ bos_token }}|{{ eos_token }}|{{ pad_token }}',
      bos_token: { content: '<s>' },
    };
    const template = chatTemplateFromConfig({ ...config, eos_token: '</s>', pad_token: null });
    expect(template.render([])).toBe('<s>|</s>|');
    expect(
      specialTokensFromConfig({ eos_token: 'E', additional_special_tokens: ['A', { content: 'B' }] }),
    ).toEqual({
      eos_token: 'E',
      additional_special_tokens: ['A', 'B'],
    });
  });

  it('passes tools as None when absent, as transformers does', () => {
    const template = new ChatTemplate('{% if tools is none %}none{% else %}{{ tools | length }}{% endif %}');
    expect(template.render([])).toBe('none');
    expect(template.render([], { tools: [{ name: 'a' }] })).toBe('1');
  });

  it('surfaces raise_exception as a ChatTemplateError', () => {
    const template = new ChatTemplate(
      "{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('tool role not supported') }}{% endif %}{% endfor %}",
    );
    expect(() => template.render([{ role: 'tool', content: 'x' }])).toThrow(ChatTemplateError);
    expect(() => template.render([{ role: 'tool', content: 'x' }])).toThrow(/tool role not supported/);
    expect(() => new ChatTemplate('{% if %}')).toThrow(/does not compile/);
  });

  it('continues a final assistant message (prefill)', async () => {
    const template = await loadChatTemplate(join(workspace, pyFixture.qwen3!.dir));
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Well, ' },
    ];
    const text = template.render(messages, { continueFinalMessage: true });
    expect(text.endsWith('<|im_start|>assistant\n<think>\n\n</think>\n\nWell, ')).toBe(true);
    expect(() =>
      template.render(messages, { continueFinalMessage: true, addGenerationPrompt: true }),
    ).toThrow(/cannot both be set/);
  });

  it('explains a tokenizer without a chat template', () => {
    expect(() => chatTemplateFromConfig({ eos_token: '</s>' })).toThrow(/no chat_template.*'qwen', 'llama3'/);
  });

  it('picks among named chat templates like transformers', () => {
    const config = {
      chat_template: [
        { name: 'default', template: 'D' },
        { name: 'tool_use', template: 'T' },
      ],
    };
    expect(chatTemplateFromConfig(config).render([])).toBe('D');
    expect(chatTemplateFromConfig(config, { forTools: true }).render([])).toBe('T');
    expect(chatTemplateFromConfig(config, { name: 'tool_use' }).render([])).toBe('T');
    expect(() => chatTemplateFromConfig(config, { name: 'rag' })).toThrow(
      /named 'rag'. Available: default, tool_use/,
    );
  });

  it('prefers chat_template.jinja over tokenizer_config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-templates-'));
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ chat_template: 'config', eos_token: 'E' }),
    );
    expect((await loadChatTemplate(dir)).render([])).toBe('config');
    writeFileSync(join(dir, 'chat_template.jinja'), 'file {{ eos_token }}');
    expect((await loadChatTemplate(dir)).render([])).toBe('file E');
    writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
    writeFileSync(join(dir, 'chat_template.jinja'), '');
    await expect(loadChatTemplate(dir)).rejects.toThrow(dir);
  });
});
