import { describe, expect, it } from 'vitest';
import { checkRecord } from './check-record.js';
import { detectFormat } from './detect-format.js';
import { toCanonical } from './to-canonical.js';

const convert = (row: Record<string, unknown>) => {
  const format = detectFormat(row)!;
  expect(checkRecord(row, { file: 't', line: 1 }).ok).toBe(true);
  return toCanonical(row, format);
};

describe('toCanonical (convert_dataset.py rules)', () => {
  it('alpaca: instruction + "\\n\\n" + input when the input is not blank', () => {
    const row = { instruction: 'Translate', input: 'hello', output: '你好' };
    expect(convert(row).value).toEqual({
      conversations: [
        { from: 'human', value: `${row.instruction}\n\n${row.input}` },
        { from: 'gpt', value: row.output },
      ],
    });
    expect(convert({ ...row, input: '  ' }).value).toMatchObject({
      conversations: [{ value: row.instruction }, {}],
    });
  });

  it('alpaca history and system become leading turns; unknown columns are reported', () => {
    const out = convert({
      instruction: 'Q2',
      input: '',
      output: 'A2',
      history: [['Q1', 'A1']],
      system: 'S',
      id: 7,
    });
    expect(out.value).toEqual({
      conversations: [
        { from: 'system', value: 'S' },
        { from: 'human', value: 'Q1' },
        { from: 'gpt', value: 'A1' },
        { from: 'human', value: 'Q2' },
        { from: 'gpt', value: 'A2' },
      ],
    });
    expect(out.droppedKeys).toEqual(['id']);
  });

  it('qa is one exchange; items is renamed conversations; messages map their roles', () => {
    expect(convert({ input: 'Q', output: 'A' }).value).toEqual({
      conversations: [
        { from: 'human', value: 'Q' },
        { from: 'gpt', value: 'A' },
      ],
    });
    const turns = [
      { from: 'human', value: 'Q' },
      { from: 'gpt', value: 'A' },
    ];
    expect(convert({ items: turns, tools: '[]' }).value).toEqual({ conversations: turns, tools: '[]' });
    const messages = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'A' },
    ];
    expect(convert({ messages }).value).toEqual({
      conversations: [{ from: 'system', value: 'S' }, ...turns],
    });
  });

  it('preference layouts become conversations + chosen/rejected', () => {
    expect(convert({ prompt: 'P', chosen: 'c', rejected: 'r' }).value).toEqual({
      conversations: [{ from: 'human', value: 'P' }],
      chosen: 'c',
      rejected: 'r',
    });
    expect(
      convert({
        system: 'S',
        history: [['q', 'a']],
        question: 'Q',
        response_chosen: 'c',
        response_rejected: 'r',
      }).value,
    ).toEqual({
      conversations: [
        { from: 'system', value: 'S' },
        { from: 'human', value: 'q' },
        { from: 'gpt', value: 'a' },
        { from: 'human', value: 'Q' },
      ],
      chosen: 'c',
      rejected: 'r',
    });
  });

  it('canonical rows pass through, keeping only the fields the trainers read', () => {
    const row = {
      conversations: [
        { from: 'human', value: 'Q' },
        { from: 'gpt', value: 'A' },
      ],
      system_prompt: 'S',
      id: 'x',
    };
    const out = convert(row);
    expect(out.value).toEqual({ conversations: row.conversations, system_prompt: 'S' });
    expect(out.droppedKeys).toEqual(['id']);
  });
});
