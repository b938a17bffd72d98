import { describe, expect, it } from 'vitest';
import type { PreferenceConversation } from './formats/data-format.js';
import type { SourcedRecord } from './record-issue.js';
import { unpairedRows } from './unpaired-rows.js';

const pair = (line: number, tools?: string): SourcedRecord<PreferenceConversation> => ({
  value: {
    conversations: [{ from: 'human', value: `Q${line}` }],
    chosen: `good${line}`,
    rejected: `bad${line}`,
    ...(tools ? { tools } : {}),
  },
  source: { file: 'p.jsonl', line },
});

describe('unpairedRows (TRL unpair_preference_dataset)', () => {
  it('gives a desirable and an undesirable row per pair, with the pair context and file:line', () => {
    const rows = unpairedRows([pair(1, '[]'), pair(2)]);
    expect(rows).toEqual([
      {
        value: {
          conversations: [{ from: 'human', value: 'Q1' }],
          tools: '[]',
          completion: 'good1',
          label: true,
        },
        source: { file: 'p.jsonl', line: 1 },
      },
      {
        value: { conversations: [{ from: 'human', value: 'Q2' }], completion: 'good2', label: true },
        source: { file: 'p.jsonl', line: 2 },
      },
      {
        value: {
          conversations: [{ from: 'human', value: 'Q1' }],
          tools: '[]',
          completion: 'bad1',
          label: false,
        },
        source: { file: 'p.jsonl', line: 1 },
      },
      {
        value: { conversations: [{ from: 'human', value: 'Q2' }], completion: 'bad2', label: false },
        source: { file: 'p.jsonl', line: 2 },
      },
    ]);
  });

  it('orders chosen then rejected within each map batch of pairs', () => {
    const pairs = [1, 2, 3, 4, 5].map((line) => pair(line));
    const order = (mapBatchSize?: number) =>
      unpairedRows(pairs, { mapBatchSize }).map((r) => `${r.source.line}${r.value.label ? '+' : '-'}`);
    expect(order()).toEqual(['1+', '2+', '3+', '4+', '5+', '1-', '2-', '3-', '4-', '5-']);
    expect(order(2)).toEqual(['1+', '2+', '1-', '2-', '3+', '4+', '3-', '4-', '5+', '5-']);
    expect(() => unpairedRows(pairs, { mapBatchSize: 0 })).toThrow(/mapBatchSize/);
  });
});
