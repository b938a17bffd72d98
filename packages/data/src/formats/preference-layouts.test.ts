import { describe, expect, it } from 'vitest';
import { formatIssue } from '../record-issue.js';
import { checkRecord } from './check-record.js';
import { describeFormat } from './data-format.js';
import { detectFormat } from './detect-format.js';
import { toCanonical } from './to-canonical.js';

const source = { file: 'pref.jsonl', line: 7 };
const turn = (from: string, value: string) => ({ from, value });
const msg = (role: string, content: string) => ({ role, content });
const issuesOf = (row: unknown) =>
  checkRecord(row, source).issues.map((i) => [i.line, i.severity, i.code, i.field]);
const canonical = (row: Record<string, unknown>) => {
  const check = checkRecord(row, source);
  expect(check.issues).toEqual([]);
  return toCanonical(row, check.format!);
};

describe('ShareGPT preference with answer turns (LLaMA-Factory)', () => {
  const row = {
    conversations: [turn('system', 'S'), turn('human', 'Q')],
    chosen: turn('gpt', 'good'),
    rejected: turn('gpt', 'bad'),
  };

  it('is detected, checked and converted to string answers', () => {
    expect(detectFormat(row)).toBe('sharegpt-preference');
    expect(detectFormat({ ...row, chosen: 'good', rejected: 'bad' })).toBe('preference');
    expect(canonical({ ...row, tools: '[]', id: 3 })).toEqual({
      value: { conversations: row.conversations, tools: '[]', chosen: 'good', rejected: 'bad' },
      droppedKeys: ['id'],
    });
  });

  it('keeps a function_call answer as its raw JSON value', () => {
    const call = '{"name": "get_weather", "arguments": {"city": "北京"}}';
    const out = canonical({ ...row, chosen: turn('function_call', call) });
    expect(out.value).toMatchObject({ chosen: call, rejected: 'bad' });
  });

  it('names the field and the expected turn for each bad answer', () => {
    expect(issuesOf({ ...row, chosen: turn('human', 'x'), rejected: { from: 'gpt' } })).toEqual([
      [7, 'error', 'unknown-role', 'chosen.from'],
      [7, 'error', 'missing-field', 'rejected.value'],
    ]);
    const [issue] = checkRecord({ ...row, rejected: 'bad' }, source).issues;
    expect(formatIssue(issue!)).toBe(
      'pref.jsonl:7: error: rejected: is string (expected a turn {"from": "gpt", "value": text})',
    );
    expect(issuesOf({ ...row, chosen: turn('function_call', '{oops') })).toEqual([
      [7, 'error', 'invalid-function-call', 'chosen.value'],
    ]);
    expect(issuesOf({ ...row, rejected: turn('gpt', 'good') })).toEqual([
      [7, 'warning', 'identical-responses', 'rejected'],
    ]);
    expect(issuesOf({ ...row, conversations: [turn('human', 'Q'), turn('gpt', 'A')] })).toEqual([
      [7, 'error', 'role-order', 'conversations[1].from'],
    ]);
  });
});

describe("TRL's conversational preference", () => {
  const prompt = [msg('system', 'S'), msg('user', 'Q1'), msg('assistant', 'A1'), msg('user', 'Q2')];
  const row = { prompt, chosen: [msg('assistant', 'good')], rejected: [msg('assistant', 'bad')] };
  const turns = [turn('system', 'S'), turn('human', 'Q1'), turn('gpt', 'A1'), turn('human', 'Q2')];

  it('explicit prompt: message lists become ShareGPT turns and string answers', () => {
    expect(detectFormat(row)).toBe('messages-preference');
    expect(canonical(row).value).toEqual({ conversations: turns, chosen: 'good', rejected: 'bad' });
  });

  it('implicit prompt: the longest common prefix of chosen and rejected is the prompt', () => {
    const implicit = {
      chosen: [...prompt, msg('assistant', 'good')],
      rejected: [...prompt, msg('assistant', 'bad')],
    };
    expect(detectFormat(implicit)).toBe('implicit-preference');
    expect(canonical(implicit).value).toEqual({ conversations: turns, chosen: 'good', rejected: 'bad' });
    // A plain-text prompt beside message lists is replaced by the shared messages, as TRL does.
    const withText = { ...implicit, prompt: 'Q2' };
    expect(detectFormat(withText)).toBe('implicit-preference');
    expect(toCanonical(withText, 'implicit-preference').droppedKeys).toEqual(['prompt']);
  });

  it('checks roles, the prompt ending and one-message answers, naming each field', () => {
    expect(
      issuesOf({
        prompt: [msg('user', 'Q'), msg('assistant', 'A')],
        chosen: [msg('assistant', 'x'), msg('assistant', 'y')],
        rejected: [msg('robot', 'z')],
      }),
    ).toEqual([
      [7, 'error', 'role-order', 'prompt[1].role'],
      [7, 'error', 'multi-message-answer', 'chosen'],
      [7, 'error', 'unknown-role', 'rejected[0].role'],
    ]);
    const [ending] = checkRecord(
      { ...row, prompt: [msg('user', 'Q'), msg('assistant', 'A')] },
      source,
    ).issues;
    expect(ending!.expected).toBe('prompt ending with a user or tool message; chosen/rejected answer it');
    expect(issuesOf({ ...row, chosen: [msg('user', 'x')], rejected: 'bad' })).toEqual([
      [7, 'error', 'role-order', 'chosen[0].role'],
      [7, 'error', 'wrong-type', 'rejected'],
    ]);
    expect(issuesOf({ ...row, chosen: [msg('assistant', ' ')] })).toEqual([
      [7, 'error', 'empty-value', 'chosen[0].content'],
    ]);
  });

  it('implicit prompt: reports lists that share nothing or differ in more than the answer', () => {
    expect(
      issuesOf({ chosen: [msg('user', 'a'), msg('assistant', 'x')], rejected: [msg('user', 'b')] }),
    ).toEqual([[7, 'error', 'empty-value', 'chosen[0]']]);
    const twoAnswers = {
      chosen: [msg('user', 'Q'), msg('assistant', 'x'), msg('user', 'more'), msg('assistant', 'y')],
      rejected: [msg('user', 'Q'), msg('assistant', 'z')],
    };
    const issues = checkRecord(twoAnswers, source).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['multi-message-answer', 'chosen']]);
    expect(issues[0]!.message).toBe('after the 1 shared prompt message, the answer has 3 messages');
  });

  it('lists the new layouts among the known ones', () => {
    expect(describeFormat('messages-preference')).toBe(
      'messages-preference (prompt [messages]/chosen [message]/rejected [message])',
    );
    const [unknown] = checkRecord({ chossen: 'x' }, source).issues;
    expect(unknown!.message).toContain('did you mean "chosen" for "chossen"?');
    expect(unknown!.expected).toContain('chosen [messages]/rejected [messages] (implicit-preference)');
  });
});
