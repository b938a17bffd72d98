import { describe, expect, it } from 'vitest';
import type { SourcedRecord } from '../record-issue.js';
import type { ShareGptConversation } from '@medgpt/templates';
import { qwen3Tokenizer } from '../test-support/qwen3-tokenizer.js';
import { sftSamples } from './sft-samples.js';

const { tokenizer } = qwen3Tokenizer();
const rec = (
  line: number,
  conversations: ShareGptConversation['conversations'],
): SourcedRecord<ShareGptConversation> => ({
  value: { conversations },
  source: { file: 'x.jsonl', line },
});

describe('sftSamples', () => {
  it('keeps provenance, and reports every row MedicalGPT drops or cuts', () => {
    const long = 'word '.repeat(200);
    const set = sftSamples(
      [
        rec(1, [
          { from: 'human', value: 'Q1' },
          { from: 'gpt', value: 'A1' },
          { from: 'human', value: long },
          { from: 'gpt', value: long },
        ]),
        rec(2, [{ from: 'human', value: 'unanswered' }]),
        rec(3, [
          { from: 'human', value: 'Q' },
          { from: 'gpt', value: 'A' },
        ]),
      ],
      { template: 'qwen', tokenizer, modelMaxLength: 64 },
    );
    expect(set.samples.map((s) => [s.source.line, s.turnsKept, s.turns])).toEqual([
      [1, 1, 2],
      [3, 1, 1],
    ]);
    expect(set.truncatedRows).toBe(1);
    expect(set.dropped).toMatchObject([{ line: 2, code: 'no-answered-question' }]);
    for (const s of set.samples) {
      expect(s.labels).toHaveLength(s.inputIds.length);
      expect(s.inputIds.at(-1)).toBe(tokenizer.eosTokenId);
    }
  });

  it('reports a row whose tools are not JSON instead of throwing', () => {
    const bad: SourcedRecord<ShareGptConversation> = {
      value: {
        conversations: [
          { from: 'human', value: 'Q' },
          { from: 'gpt', value: 'A' },
        ],
        tools: '[{',
      },
      source: { file: 'y.jsonl', line: 9 },
    };
    const set = sftSamples([bad], { template: 'qwen', toolFormat: 'qwen', tokenizer });
    expect(set.dropped).toMatchObject([{ file: 'y.jsonl', line: 9, severity: 'error' }]);
  });
});
