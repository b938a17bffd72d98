import type { DataFormat } from './data-format.js';
import { checkString, type IssueList } from './issue-list.js';
import { validateConversation } from './validate-conversation.js';
import { validateHistory } from './validate-history.js';

/**
 * The three preference layouts (§4.3): MedicalGPT's `conversations` + `chosen`/`rejected` strings,
 * TRL's `prompt`/`chosen`/`rejected`, and the older `question`/`response_chosen`/`response_rejected`.
 */
export function validatePreference(
  record: Readonly<Record<string, unknown>>,
  format: Extract<DataFormat, 'preference' | 'prompt-preference' | 'preference-legacy'>,
  issues: IssueList,
): void {
  const [chosenKey, rejectedKey] =
    format === 'preference-legacy' ? ['response_chosen', 'response_rejected'] : ['chosen', 'rejected'];
  if (format === 'preference')
    validateConversation(record, issues, { key: 'conversations', purpose: 'context' });
  else if (format === 'prompt-preference') checkString(record, 'prompt', issues, { what: 'the prompt' });
  else {
    checkString(record, 'question', issues, { what: 'the last question' });
    checkString(record, 'system', issues, { optional: true, allowEmpty: true, what: 'a system prompt' });
    validateHistory(record, issues);
  }
  const chosen = checkString(record, chosenKey, issues, { what: 'the preferred answer' });
  const rejected = checkString(record, rejectedKey, issues, { what: 'the dispreferred answer' });
  if (chosen !== undefined && chosen === rejected) {
    issues.warning(
      'identical-responses',
      rejectedKey,
      `equals ${chosenKey}; the pair teaches nothing`,
      'two different answers',
    );
  }
}
