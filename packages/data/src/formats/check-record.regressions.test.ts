// Bugs the fuzzing of the record parsers found (check-record.fuzz.ts), one case each.
import { describe, expect, it } from 'vitest';
import { checkRecord } from './check-record.js';
import { toCanonical } from './to-canonical.js';

const source = { file: 'x.jsonl', line: 4 };
const issues = (record: unknown) => checkRecord(record, source).issues.map((i) => [i.severity, i.code, i.field]);
// JSON.parse reads nesting that JSON.stringify cannot write back (it overflows the stack).
const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;

describe('record parser regressions', () => {
  it('names a deeply nested history pair or label instead of overflowing the stack', () => {
    const legacy = { history: [deep], question: 'q', response_chosen: 'a', response_rejected: 'b' };
    const [issue] = checkRecord(legacy, source).issues;
    expect(issue).toMatchObject({ code: 'wrong-type', field: 'history[0]' });
    expect(issue!.message).toBe(`is ${'['.repeat(8)}[...]${']'.repeat(8)}`);
    const unpaired = { prompt: 'q', completion: 'a', label: deep };
    expect(checkRecord(unpaired, source).issues[0]).toMatchObject({ code: 'wrong-type', field: 'label' });
  });

  it('holds messages records to the pairing rules of the conversation they become', () => {
    const row = { messages: [{ role: 'system', content: 'S' }, { role: 'assistant', content: 'A' }] };
    expect(issues(row)).toEqual([
      ['warning', 'role-order', 'messages[1].role'],
      ['error', 'no-answered-question', 'messages'],
    ]);
    const ok = { messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] };
    expect(checkRecord(ok, source).ok).toBe(true);
  });

  it('refuses a blank history turn, which the converted conversation would refuse', () => {
    const row = { instruction: 'q', output: 'a', history: [['q0', ' ']] };
    expect(issues(row)).toEqual([['error', 'empty-value', 'history[0][1]']]);
    // Accepted records convert to canonical records that check clean.
    const good = { instruction: 'q', output: 'a', history: [['q0', 'a0']] };
    const canonical = toCanonical(good, checkRecord(good, source).format!).value;
    expect(checkRecord(canonical, source, { format: 'sharegpt' }).issues).toEqual([]);
  });
});
