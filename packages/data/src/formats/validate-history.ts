import { jsonPreview } from '@medgpt/json-preview';
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
    if (!ok) {
      issues.error('wrong-type', `history[${i}]`, `is ${jsonPreview(pair)}`, expected);
      continue;
    }
    // Each pair becomes a human and a gpt turn, and an empty turn is refused there.
    (pair as string[]).forEach((part, j) => {
      if (part.trim() === '') {
        const what = j === 0 ? 'question' : 'answer';
        issues.error('empty-value', `history[${i}][${j}]`, `the ${what} is empty`, 'non-empty text');
      }
    });
  }
}
