import type { DataFormat } from './data-format.js';
import { jsonPreview } from '@medgpt/json-preview';
import { checkString, jsonType, type IssueList } from './issue-list.js';
import { validateConversation, validateTools } from './validate-conversation.js';
import { validateMessageAnswer } from './validate-message-answer.js';
import { validateMessagePrompt } from './validate-message-prompt.js';

type Row = Readonly<Record<string, unknown>>;
type UnpairedFormat = Extract<
  DataFormat,
  'unpaired' | 'prompt-unpaired' | 'messages-unpaired' | 'kto-sharegpt'
>;

/**
 * The unpaired (KTO) layouts: a context, one non-empty answer and a boolean label, written as our
 * canonical `conversations`/`completion`/`label`, TRL's `prompt`/`completion`/`label` (strings or
 * message lists), or LLaMA-Factory's `conversations` ending with the answer plus `kto_tag`.
 */
export function validateUnpaired(record: Row, format: UnpairedFormat, issues: IssueList): void {
  const completion = (what: string) => checkString(record, 'completion', issues, { what });
  switch (format) {
    case 'unpaired':
      validateConversation(record, issues, {
        key: 'conversations',
        purpose: 'context',
        answeredBy: 'the completion answers it',
      });
      completion('the answer');
      break;
    case 'prompt-unpaired':
      checkString(record, 'prompt', issues, { what: 'the prompt' });
      completion('the answer');
      break;
    case 'messages-unpaired':
      validateMessagePrompt(record, 'prompt', issues, 'the completion answers it');
      validateTools(record, issues);
      validateMessageAnswer(record, 'completion', issues);
      break;
    case 'kto-sharegpt':
      validateConversation(record, issues, { key: 'conversations', purpose: 'completion' });
  }
  checkLabel(record, format === 'kto-sharegpt' ? 'kto_tag' : 'label', issues);
}

/**
 * A JSON boolean, as TRL and LLaMA-Factory require. 0/1 are rejected rather than read as false/true:
 * a number here is as likely a rating (1..5) as a flag, and guessing would train on the wrong sign.
 */
function checkLabel(record: Row, key: string, issues: IssueList): void {
  const label = record[key];
  const expected = 'true (a desirable answer) or false (an undesirable one)';
  if (label === undefined || label === null) {
    issues.error('missing-field', key, `missing "${key}"`, expected);
  } else if (typeof label !== 'boolean') {
    const hint = label === 0 || label === 1 ? '; write false/true, numbers are not read as labels' : '';
    issues.error(
      'wrong-type',
      key,
      `is ${jsonType(label)} ${jsonPreview(label, 40)}${hint}`,
      expected,
    );
  }
}
