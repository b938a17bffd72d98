import { describe, expect, it } from 'vitest';
import type { UnpairedRecord } from '../formats/data-format.js';
import { loadStageDatasets } from '../load-stage-datasets.js';
import { qwen3Tokenizer } from '../test-support/qwen3-tokenizer.js';
import { dpoExample, dpoPrompt } from './dpo-example.js';
import { ktoExample } from './kto-example.js';
import { ktoSamples } from './preference-samples.js';

const { tokenizer, chatTemplate, decode } = qwen3Tokenizer();
const row: UnpairedRecord = {
  conversations: [
    { from: 'system', value: 'Be brief.' },
    { from: 'human', value: 'What is a fever?' },
    { from: 'gpt', value: 'A high temperature.' },
    { from: 'human', value: 'And a high one?' },
  ],
  completion: 'Above 39 °C.',
  label: false,
};

describe('ktoExample (TRL KTOTrainer tokenisation of string data)', () => {
  it('prompt ends with the generation prefix; completion ids end with EOS and decode back', () => {
    for (const format of [{ template: 'qwen' }, { chatTemplate }]) {
      const result = ktoExample(row, { ...format, tokenizer });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const { example } = result;
      expect(example.prompt).toBe(dpoPrompt(row, format));
      expect(example.prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      expect([example.label, example.promptIsPrefix]).toEqual([false, true]);
      expect(example.completion).toBe(`${row.completion}<|im_end|>`);
      expect(example.completionIds.at(-1)).toBe(tokenizer.eosTokenId);
      expect(decode([...example.promptIds, ...example.completionIds])).toBe(
        `${example.prompt}${row.completion}<|im_end|>`,
      );
    }
  });

  it('tokenises a completion exactly as DPO tokenises the same answer', () => {
    const pair = { conversations: row.conversations, chosen: row.completion, rejected: 'Cold.' };
    const dpo = dpoExample(pair, { template: 'qwen', tokenizer });
    const kto = ktoExample(row, { template: 'qwen', tokenizer });
    expect(dpo.ok && kto.ok).toBe(true);
    if (!dpo.ok || !kto.ok) return;
    expect([kto.example.promptIds, kto.example.completionIds]).toEqual([
      dpo.example.promptIds,
      dpo.example.chosenIds,
    ]);
  });

  it("drops rows MedicalGPT's character filter removes, and prompts of max_length tokens", () => {
    const prompt = dpoPrompt(row, { template: 'qwen' });
    const room = [...prompt].length + [...row.completion].length;
    const options = { template: 'qwen', tokenizer, maxTargetLength: 0 };
    expect(ktoExample(row, { ...options, maxSourceLength: room }).ok).toBe(true);
    expect(ktoExample(row, { ...options, maxSourceLength: room - 1 })).toMatchObject({
      ok: false,
      reason: 'too-long',
    });
    // Characters fit, but the prompt alone (3 tokens per 𓀀) fills max_length tokens: TRL's KTOTrainer drops it.
    const heavy: UnpairedRecord = { ...row, conversations: [{ from: 'human', value: '𓀀'.repeat(100) }] };
    const heavyPrompt = [...dpoPrompt(heavy, { template: 'qwen' })].length;
    expect(ktoExample(heavy, { ...options, maxSourceLength: heavyPrompt + 20 })).toMatchObject({
      ok: false,
      reason: 'prompt-too-long',
    });
  });

  it('ktoSamples reports each dropped row with its file:line', () => {
    const records = [
      { value: row, source: { file: 'k.jsonl', line: 1 } },
      { value: { ...row, completion: 'x'.repeat(3000) }, source: { file: 'k.jsonl', line: 2 } },
      { value: { ...row, label: true }, source: { file: 'k.jsonl', line: 3 } },
    ];
    const set = ktoSamples(records, {
      template: 'qwen',
      tokenizer,
      maxSourceLength: 1024,
      maxTargetLength: 512,
    });
    expect(set.samples.map((s) => [s.source.line, s.label])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(set.dropped).toMatchObject([
      { file: 'k.jsonl', line: 2, code: 'too-long', message: expect.stringMatching(/1536 characters/) },
    ]);
  });

  it('tokenises the KTO rows of the tool-call sample data, paired rows unpaired', async () => {
    const { train } = await loadStageDatasets({
      stage: 'kto',
      trainFileDir: new URL('../../../../data/medicalgpt/reward/toolcall_dpo_zh_demo.jsonl', import.meta.url)
        .pathname,
      validationSplitPercentage: 0,
    });
    const set = ktoSamples(train, { template: 'qwen', toolFormat: 'qwen', tokenizer });
    expect([set.samples.length, set.dropped]).toEqual([22, []]);
    expect(set.samples.filter((s) => s.label)).toHaveLength(11);
    expect(set.samples[0]!.prompt).toContain('# Tools');
    expect(set.samples.every((s) => s.promptIsPrefix)).toBe(true);
  });
});
