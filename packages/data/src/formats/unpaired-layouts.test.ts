import { describe, expect, it } from 'vitest';
import { formatIssue } from '../record-issue.js';
import { checkRecord } from './check-record.js';
import { detectFormat } from './detect-format.js';
import { toCanonical } from './to-canonical.js';

const source = { file: 'kto.jsonl', line: 4 };
const turn = (from: string, value: string) => ({ from, value });
const msg = (role: string, content: string) => ({ role, content });
const issuesOf = (row: unknown) =>
  checkRecord(row, source).issues.map((i) => [i.line, i.severity, i.code, i.field]);
const canonical = (row: Record<string, unknown>) => {
  const check = checkRecord(row, source);
  expect(check.issues).toEqual([]);
  return toCanonical(row, check.format!).value;
};

describe('unpaired (KTO) layouts', () => {
  const context = [turn('system', 'S'), turn('human', 'Q')];

  it('detects each layout from its fields', () => {
    expect(detectFormat({ conversations: context, completion: 'A', label: true })).toBe('unpaired');
    expect(detectFormat({ prompt: 'Q', completion: 'A', label: false })).toBe('prompt-unpaired');
    expect(
      detectFormat({ prompt: [msg('user', 'Q')], completion: [msg('assistant', 'A')], label: true }),
    ).toBe('messages-unpaired');
    expect(detectFormat({ conversations: [...context, turn('gpt', 'A')], kto_tag: true })).toBe(
      'kto-sharegpt',
    );
    // TRL's prompt/completion without a label is SFT data, not KTO; so is ShareGPT with a label column.
    expect(detectFormat({ prompt: 'Q', completion: 'A' })).toBeUndefined();
    expect(detectFormat({ conversations: [...context, turn('gpt', 'A')], label: 'medical' })).toBe(
      'sharegpt',
    );
    expect(detectFormat({ conversations: context, label: false })).toBe('unpaired');
  });

  it('converts every layout to {conversations, completion, label, tools?}', () => {
    const expected = { conversations: context, completion: 'A', label: true };
    expect(canonical({ ...expected, tools: '[]' })).toEqual({ ...expected, tools: '[]' });
    expect(canonical({ prompt: 'Q', completion: 'A', label: false })).toEqual({
      conversations: [turn('human', 'Q')],
      completion: 'A',
      label: false,
    });
    expect(
      canonical({
        prompt: [msg('system', 'S'), msg('user', 'Q')],
        completion: [msg('assistant', 'A')],
        label: true,
      }),
    ).toEqual(expected);
    expect(canonical({ conversations: [...context, turn('gpt', 'A')], kto_tag: true })).toEqual(expected);
  });

  it('LLaMA-Factory: the last turn is the completion, a function_call kept as its raw value', () => {
    const call = '{"name": "f", "arguments": {}}';
    const row = {
      conversations: [turn('human', 'Q'), turn('function_call', call)],
      kto_tag: false,
      tools: '[{"name": "f"}]',
    };
    expect(canonical(row)).toEqual({
      conversations: [turn('human', 'Q')],
      completion: call,
      label: false,
      tools: row.tools,
    });
  });

  it('requires a boolean label; 0/1 are errors with a hint', () => {
    expect(issuesOf({ prompt: 'Q', completion: 'A', label: 1 })).toEqual([
      [4, 'error', 'wrong-type', 'label'],
    ]);
    const [issue] = checkRecord({ conversations: [...context, turn('gpt', 'A')], kto_tag: 0 }, source).issues;
    expect(formatIssue(issue!)).toBe(
      'kto.jsonl:4: error: kto_tag: is number 0; write false/true, numbers are not read as labels ' +
        '(expected true (a desirable answer) or false (an undesirable one))',
    );
    expect(issuesOf({ conversations: context, completion: 'A' })).toEqual([
      [4, 'error', 'missing-field', 'label'],
    ]);
    expect(issuesOf({ prompt: 'Q', completion: 'A', label: 'yes' })).toEqual([
      [4, 'error', 'wrong-type', 'label'],
    ]);
  });

  it('requires a non-empty completion answering the context', () => {
    expect(issuesOf({ conversations: context, completion: ' ', label: true })).toEqual([
      [4, 'error', 'empty-value', 'completion'],
    ]);
    expect(issuesOf({ conversations: [...context, turn('gpt', 'A')], completion: 'B', label: true })).toEqual(
      [[4, 'error', 'role-order', 'conversations[2].from']],
    );
    expect(
      issuesOf({
        prompt: [msg('user', 'Q')],
        completion: [msg('assistant', 'A'), msg('user', 'B')],
        label: true,
      }),
    ).toEqual([[4, 'error', 'multi-message-answer', 'completion']]);
  });

  it('LLaMA-Factory rows must end with an answer to a question, and it must not be empty', () => {
    const kto = (conversations: unknown[]) => issuesOf({ conversations, kto_tag: true });
    expect(kto([turn('human', 'Q'), turn('gpt', ' ')])).toEqual([
      [4, 'error', 'empty-value', 'conversations[1].value'],
    ]);
    expect(kto(context)).toEqual([[4, 'error', 'role-order', 'conversations[1].from']]);
    expect(kto([turn('gpt', 'A')])).toEqual([[4, 'error', 'role-order', 'conversations[0].from']]);
    const [twoAnswers] = checkRecord(
      { conversations: [turn('human', 'Q'), turn('gpt', 'A'), turn('gpt', 'B')], kto_tag: true },
      source,
    ).issues;
    expect([twoAnswers!.field, twoAnswers!.message]).toEqual([
      'conversations[2].from',
      'the completion (the last turn) answers nothing: it follows an answered turn',
    ]);
    // A context the pairing repairs is still a warning, as for preference rows.
    expect(kto([turn('human', 'Q1'), turn('human', 'Q2'), turn('gpt', 'A')])).toEqual([
      [4, 'warning', 'role-order', 'conversations[1].from'],
    ]);
  });

  it('rejects a record of another family where unpaired data is expected', () => {
    const check = checkRecord({ prompt: 'Q', chosen: 'a', rejected: 'b' }, source, { family: 'unpaired' });
    expect(check.issues.map((i) => [i.code, i.expected])).toEqual([['format-mismatch', 'unpaired data']]);
    const either = checkRecord({ conversations: context }, source, { families: ['unpaired', 'preference'] });
    expect(either.issues.map((i) => [i.code, i.expected])).toEqual([
      ['format-mismatch', 'unpaired or preference data'],
    ]);
  });
});
