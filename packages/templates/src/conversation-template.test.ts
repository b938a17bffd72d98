import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConversationTemplate, type DialogPair } from './conversation-template.js';
import {
  getConversationTemplate,
  listConversationTemplates,
  registerConversationTemplate,
  UnknownTemplateError,
} from './template-registry.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
// The reference's rendered examples: get_prompt([["Q1","A1"],["Q2",""]]) for every template.
const referencePrompts: Record<string, string> = fixture('medicalgpt-rendered-prompts.json').prompts;
// Computed by MedicalGPT's template.py (scripts/gen_medicalgpt_golden.py).
const golden = fixture('medicalgpt-golden.json').conversation_templates as {
  pairs: DialogPair[];
  templates: Record<
    string,
    { dialog_default_system: string[]; dialog_custom_system: string[]; prompt_one_turn: string }
  >;
};

describe('MedicalGPT named templates', () => {
  it('registers the 33 templates in MedicalGPT order', () => {
    expect(listConversationTemplates()).toEqual(Object.keys(referencePrompts));
    expect(listConversationTemplates()).toHaveLength(33);
  });

  it.each(Object.entries(referencePrompts))('%s renders the reference 2-turn prompt', (name, expected) => {
    const prompt = getConversationTemplate(name).formatPrompt([
      ['Q1', 'A1'],
      ['Q2', ''],
    ]);
    expect(prompt).toBe(expected);
  });

  it.each(Object.entries(golden.templates))('%s matches template.py dialogs', (name, expected) => {
    const template = getConversationTemplate(name);
    expect(template.formatDialog(golden.pairs)).toEqual(expected.dialog_default_system);
    expect(template.formatDialog(golden.pairs, 'SYS')).toEqual(expected.dialog_custom_system);
    expect(template.formatPrompt([['Hello', '']])).toBe(expected.prompt_one_turn);
  });

  it('keeps the invariants of _format_example', () => {
    const pairs: DialogPair[] = [
      ['q1', 'a1'],
      ['q2', 'a2'],
      ['q3', 'a3'],
    ];
    for (const name of listConversationTemplates()) {
      const t = getConversationTemplate(name);
      const dialog = t.formatDialog(pairs, 'S');
      expect(dialog).toHaveLength(6);
      expect(dialog.filter((_, i) => i % 2 === 1)).toEqual(['a1', 'a2', 'a3']); // answers stay raw
      expect(dialog[0]!.startsWith('S' + t.sep)).toBe(true); // a caller's system replaces the template's
      expect(dialog[2]!.startsWith(t.sep)).toBe(true);
      expect(t.formatPrompt(pairs, 'S')).toBe(dialog.join(''));
      expect(t.formatDialog([])).toEqual([]);
    }
  });

  it('reproduces the documented quirks', () => {
    expect(getConversationTemplate('deepseekcoder').formatPrompt([['my question', '']])).toContain(
      '### Instruction:\n{content}\n',
    );
    expect(getConversationTemplate('deepseekcoder').formatPrompt([['my question', '']])).not.toContain(
      'my question',
    );
    expect(getConversationTemplate('qwen').formatPrompt([['Q', '']])).toContain(
      '<|im_end|>\n\n<|im_start|>user',
    );
    expect(getConversationTemplate('intern2').formatPrompt([['Q', '']])).toContain(
      '\n<|im_end|>\n<|im_end|>\n<|im_start|>user',
    );
    expect(getConversationTemplate('qwen3_nothink').formatPrompt([['Q', '']])).toBe(
      getConversationTemplate('qwen3').formatPrompt([['Q', '']]),
    );
    expect(getConversationTemplate('llama3').formatPrompt([['Q', '']])).not.toContain('<|begin_of_text|>');
  });

  it('inserts queries verbatim, braces included', () => {
    const prompt = getConversationTemplate('vicuna').formatPrompt([['{query} {{x}} {0}', '']], 'S');
    expect(prompt).toBe('S</s>USER: {query} {{x}} {0} ASSISTANT:');
  });

  it('names the valid templates for an unknown name', () => {
    expect(() => getConversationTemplate('qwen2')).toThrow(UnknownTemplateError);
    expect(() => getConversationTemplate('qwen2')).toThrow(
      /Unknown conversation template 'qwen2'.*vicuna, base/,
    );
  });

  it('registers custom templates and rejects malformed prompts', () => {
    const custom = registerConversationTemplate({
      name: 'test-custom',
      systemPrompt: '[S]',
      roles: ['u', 'a'],
      prompt: '<u>{query}</u>',
      sep: '|',
    });
    expect(getConversationTemplate('test-custom')).toBe(custom);
    expect(custom.stopStr).toBe('</s>');
    expect(
      custom.formatPrompt([
        ['x', 'y'],
        ['z', ''],
      ]),
    ).toBe('[S]|<u>x</u>y|<u>z</u>');
    expect(() => new ConversationTemplate({ ...custom, name: 'bad', prompt: '{query' })).toThrow(
      /Single '\{'/,
    );
    expect(() => new ConversationTemplate({ ...custom, name: 'bad', prompt: '{q}' })).toThrow(
      /\{q\} has no value/,
    );
  });
});
