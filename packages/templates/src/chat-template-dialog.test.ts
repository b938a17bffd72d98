import { describe, expect, it } from 'vitest';
import { ChatTemplate, ChatTemplateError } from './chat-template.js';
import { chatTemplateDialog } from './chat-template-dialog.js';
import type { DialogPair } from './conversation-template.js';

// Qwen2.5's plain ChatML branch: each rendering extends the previous one.
const CHATML = new ChatTemplate(
  "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
);
const pairs: DialogPair[] = [
  ['Q1', 'A1'],
  ['Q2', 'A2'],
  ['Q3', 'A3'],
];

describe('chatTemplateDialog', () => {
  it('slices incremental renders, dropping the text after each answer', () => {
    const dialog = chatTemplateDialog(CHATML, pairs, 'S');
    expect(dialog).toEqual([
      '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\n',
      'A1',
      '<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n',
      'A2',
      '<|im_start|>user\nQ3<|im_end|>\n<|im_start|>assistant\n',
      'A3',
    ]);
    expect(chatTemplateDialog(CHATML, pairs, 'S', { split: 'medicalgpt' })).toEqual(dialog);
    expect(chatTemplateDialog(CHATML, pairs, '')[0]).toBe(
      '<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('finds the end of a rewritten answer', () => {
    // Like Qwen3, which drops the <think> block of answers once a new question follows.
    const rewriting = new ChatTemplate(
      "{% for m in messages %}{{ '[' + m.role + ']' }}{% if m.role == 'assistant' and loop.last %}" +
        "{{ '<think></think>' }}{% endif %}{{ m.content }}{% if m.role == 'assistant' %}{{ '</a>' }}{% endif %}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '[assistant]' }}{% endif %}",
    );
    const dialog = chatTemplateDialog(rewriting, pairs.slice(0, 2), '');
    expect(dialog).toEqual(['[user]Q1[assistant]', 'A1', '[user]Q2[assistant]', 'A2']);
    // MedicalGPT's slice cuts len("<think></think>") characters from the next question.
    expect(chatTemplateDialog(rewriting, pairs.slice(0, 2), '', { split: 'medicalgpt' })[2]).toBe(
      dialog[2]!.slice('<think></think>'.length),
    );
  });

  it('keeps a rewritten end-of-turn text in the next prompt', () => {
    // The text after an answer changes once a question follows: it cannot be dropped as a whole.
    const rewriting = new ChatTemplate(
      "{% for m in messages %}{{ '[' + m.role + ']' + m.content }}{% if m.role == 'assistant' %}" +
        "{% if loop.last %}(final){% endif %}{{ '</a>' }}{% endif %}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '[assistant]' }}{% endif %}",
    );
    expect(chatTemplateDialog(rewriting, pairs.slice(0, 2), '')[2]).toBe('</a>[user]Q2[assistant]');
  });

  it('passes kwargs such as enable_thinking to every render', () => {
    const thinking = new ChatTemplate(
      '{% for m in messages %}{{ m.content }}|{% endfor %}{% if add_generation_prompt %}' +
        '{% if enable_thinking is defined and enable_thinking is false %}<nothink>{% endif %}>{% endif %}',
    );
    expect(
      chatTemplateDialog(thinking, pairs.slice(0, 1), '', { kwargs: { enable_thinking: false } }),
    ).toEqual(['Q1|<nothink>>', 'A1']);
  });

  it('refuses a template that does not render answers verbatim', () => {
    const hiding = new ChatTemplate(
      "{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% else %}<a>{% if loop.last %}!{% endif %}" +
        '{% endif %}{% endfor %}{% if add_generation_prompt %}?{% endif %}',
    );
    expect(() => chatTemplateDialog(hiding, pairs, '')).toThrow(ChatTemplateError);
  });
});
