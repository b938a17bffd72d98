import { describe, expect, it } from 'vitest';
import type { PreferenceConversation } from '../formats/data-format.js';
import { loadRecords } from '../load-records.js';
import { qwen3Tokenizer } from '../test-support/qwen3-tokenizer.js';
import { dpoExample, dpoPrompt } from './dpo-example.js';
import { GRPO_SYSTEM_PROMPT, grpoPrompt } from './grpo-prompt.js';
import { pairWithOpenQuestion } from './preference-context.js';
import { rewardExample } from './reward-example.js';
import { dpoSamples, rewardSamples } from './preference-samples.js';

const { tokenizer, chatTemplate, decode } = qwen3Tokenizer();
const row: PreferenceConversation = {
  conversations: [
    { from: 'system', value: 'Be brief.' },
    { from: 'human', value: 'What is a fever?' },
    { from: 'gpt', value: 'A high temperature.' },
    { from: 'human', value: 'And a high one?' },
  ],
  chosen: 'Above 39 °C.',
  rejected: 'Cold.',
};

describe('preference data (dpo/orpo/reward scripts)', () => {
  it('pairs with a final open question, joining consecutive questions', () => {
    expect(
      pairWithOpenQuestion([
        { role: 'assistant', content: 'dropped' },
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'x' },
        { role: 'user', content: 'c' },
      ]),
    ).toEqual([
      ['a\nb', 'x'],
      ['c', ''],
    ]);
  });

  it('DPO prompt ends with the generation prefix; answer ids end with EOS and decode back', () => {
    for (const format of [{ template: 'qwen' }, { chatTemplate }]) {
      const result = dpoExample(row, { ...format, tokenizer });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const { example } = result;
      expect(example.prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      expect(example.prompt).toContain('Be brief.');
      expect(example.promptIsPrefix).toBe(true);
      expect(example.chosenIds.at(-1)).toBe(tokenizer.eosTokenId);
      expect(decode(example.chosenIds)).toBe(`${row.chosen}<|im_end|>`);
      expect(decode([...example.promptIds, ...example.rejectedIds])).toBe(
        `${example.prompt}${row.rejected}<|im_end|>`,
      );
    }
  });

  it('DPO drops rows whose prompt + answer exceed max_length characters (code points)', () => {
    const prompt = dpoPrompt(row, { template: 'qwen' });
    const room = [...prompt].length + [...row.chosen].length;
    const ok = dpoExample(row, { template: 'qwen', tokenizer, maxSourceLength: room, maxTargetLength: 0 });
    const cut = dpoExample(row, {
      template: 'qwen',
      tokenizer,
      maxSourceLength: room - 1,
      maxTargetLength: 0,
    });
    expect([ok.ok, cut.ok && false, !cut.ok && cut.reason]).toEqual([true, false, 'too-long']);
  });

  it('RM renders the whole dialog with each answer and tokenises it', () => {
    const result = rewardExample(row, { template: 'qwen', tokenizer });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.example.chosenText.endsWith(`<|im_start|>assistant\n${row.chosen}`)).toBe(true);
    expect(decode(result.example.rejectedIds)).toBe(result.example.rejectedText);
    const chat = rewardExample(row, { chatTemplate, tokenizer });
    expect(chat.ok && chat.example.chosenText).toContain(`${row.chosen}<|im_end|>`);
    const tight = rewardExample(row, { template: 'qwen', tokenizer, maxSourceLength: 5, maxTargetLength: 0 });
    expect(tight).toEqual({ ok: false, reason: 'too-long' });
  });

  it('renders tool-call preference rows from the sample data', async () => {
    const { records, report } = await loadRecords(
      new URL('../../../../data/medicalgpt/reward/toolcall_dpo_zh_demo.jsonl', import.meta.url).pathname,
      { family: 'preference' },
    );
    expect(report.invalid).toBe(0);
    for (const record of records) {
      const prompt = dpoPrompt(record.value, { template: 'qwen', toolFormat: 'qwen' });
      if (record.value.tools) expect(prompt).toContain('# Tools');
      if (record.value.conversations.some((t) => t.from === 'observation'))
        expect(prompt).toContain('<tool_response>');
    }
  });

  it('needs exactly one of template and chatTemplate', () => {
    expect(() => dpoPrompt(row, {})).toThrow(/exactly one/);
  });

  it('GRPO: the fixed system prompt, then the question', () => {
    expect(grpoPrompt({ question: 'Q?', answer: '42' })).toEqual({
      prompt: [
        { role: 'system', content: GRPO_SYSTEM_PROMPT },
        { role: 'user', content: 'Q?' },
      ],
      answer: '42',
    });
    expect(GRPO_SYSTEM_PROMPT).toMatch(
      /^A conversation between User and Assistant\..*<answer> answer here <\/answer>$/,
    );
  });
});

describe('preference sample sets', () => {
  it('report every row a filter removes, with its file:line', () => {
    const records = [
      { value: row, source: { file: 'p.jsonl', line: 1 } },
      { value: { ...row, chosen: 'x'.repeat(5000) }, source: { file: 'p.jsonl', line: 2 } },
    ];
    const dpo = dpoSamples(records, {
      template: 'qwen',
      tokenizer,
      maxSourceLength: 1024,
      maxTargetLength: 512,
    });
    expect(dpo.samples.map((s) => s.source.line)).toEqual([1]);
    expect(dpo.dropped).toMatchObject([
      { line: 2, code: 'too-long', message: expect.stringMatching(/1536 characters/) },
    ]);
    const rm = rewardSamples(records, {
      template: 'qwen',
      tokenizer,
      maxSourceLength: 100,
      maxTargetLength: 0,
    });
    expect(rm.samples.map((s) => s.source.line)).toEqual([1]);
    expect(rm.dropped).toMatchObject([{ line: 2, code: 'too-long' }]);
  });
});
