import { jsonType, type IssueList } from './issue-list.js';

/** `history`: earlier turns as `[[question, answer], ...]` string pairs (Alpaca, legacy preference). */
export function validateHistory(record: Readonly<Record<string, unknown>>, issues: IssueList): void {
  const history = record.history;
  if (history === undefined || history === null) return;
  const expected = 'an array of [question, answer] string pairs';
  if (!Array.isArray(history)) {
    issues.error('wrong-type', 'history', `is ${jsonType(history)}`, expected);
    return;
  }
  for (const [i, pair] of history.entries()) {
    const ok = Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string');
    if (!ok)
      issues.error('wrong-type', `history[${i}]`, `is ${JSON.stringify(pair)?.slice(0, 60)}`, expected);
  }
}
