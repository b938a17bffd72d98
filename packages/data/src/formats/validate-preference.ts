import type { DataFormat } from './data-format.js';
import { checkString, type IssueList } from './issue-list.js';
import { sharedPromptLength } from './shared-prompt-length.js';
import { validateAnswerTurn } from './validate-answer-turn.js';
import { checkRoleOrder, validateConversation, validateTools } from './validate-conversation.js';
import { validateHistory } from './validate-history.js';
import { singleAnswerMessage, validateMessageAnswer } from './validate-message-answer.js';
import { validateMessagePrompt } from './validate-message-prompt.js';
import { validateMessageList } from './validate-messages.js';

type Row = Readonly<Record<string, unknown>>;
type PreferenceFormat = Extract<
  DataFormat,
  | 'preference'
  | 'sharegpt-preference'
  | 'prompt-preference'
  | 'messages-preference'
  | 'implicit-preference'
  | 'preference-legacy'
>;

/**
 * The preference layouts (§4.3 and the ones users bring): MedicalGPT's `conversations` + string
 * answers, LLaMA-Factory's answers as turns, TRL's `prompt`/`chosen`/`rejected` as strings or message
 * lists (or with the prompt implicit in both lists), and the older `question`/`response_*` fields.
 */
export function validatePreference(record: Row, format: PreferenceFormat, issues: IssueList): void {
  const [chosen, rejected] = validateAnswers(record, format, issues);
  if (chosen !== undefined && chosen === rejected) {
    const [chosenKey, rejectedKey] =
      format === 'preference-legacy' ? ['response_chosen', 'response_rejected'] : ['chosen', 'rejected'];
    issues.warning(
      'identical-responses',
      rejectedKey,
      `equals ${chosenKey}; the pair teaches nothing`,
      'two different answers',
    );
  }
}

/** Checks the context and returns the two answers' texts where usable. */
function validateAnswers(
  record: Row,
  format: PreferenceFormat,
  issues: IssueList,
): [string | undefined, string | undefined] {
  const text = (key: string, what: string) => checkString(record, key, issues, { what });
  switch (format) {
    case 'preference':
      validateConversation(record, issues, { key: 'conversations', purpose: 'context' });
      return [text('chosen', 'the preferred answer'), text('rejected', 'the dispreferred answer')];
    case 'sharegpt-preference':
      validateConversation(record, issues, { key: 'conversations', purpose: 'context' });
      return [validateAnswerTurn(record, 'chosen', issues), validateAnswerTurn(record, 'rejected', issues)];
    case 'prompt-preference':
      text('prompt', 'the prompt');
      return [text('chosen', 'the preferred answer'), text('rejected', 'the dispreferred answer')];
    case 'messages-preference':
      validateMessagePrompt(record, 'prompt', issues, 'chosen/rejected answer it');
      validateTools(record, issues);
      return [
        validateMessageAnswer(record, 'chosen', issues),
        validateMessageAnswer(record, 'rejected', issues),
      ];
    case 'implicit-preference':
      validateTools(record, issues);
      return validateImplicitPrompt(record, issues);
    case 'preference-legacy':
      text('question', 'the last question');
      checkString(record, 'system', issues, { optional: true, allowEmpty: true, what: 'a system prompt' });
      validateHistory(record, issues);
      return [
        text('response_chosen', 'the preferred answer'),
        text('response_rejected', 'the dispreferred answer'),
      ];
  }
}

/**
 * TRL's implicit prompt: both lists repeat the prompt messages and differ in the final assistant
 * message. The shared prefix (TRL's `extract_prompt`) must be a usable context.
 */
function validateImplicitPrompt(record: Row, issues: IssueList): [string | undefined, string | undefined] {
  const chosenRoles = validateMessageList(record, 'chosen', issues);
  const rejectedRoles = validateMessageList(record, 'rejected', issues);
  if (!chosenRoles || !rejectedRoles) return [undefined, undefined];
  const chosen = record.chosen as Row[];
  const rejected = record.rejected as Row[];
  const shared = sharedPromptLength(chosen, rejected);
  if (shared === 0) {
    issues.error(
      'empty-value',
      'chosen[0]',
      'chosen and rejected share no leading messages, so there is no prompt',
      'both lists starting with the same prompt messages and ending with different assistant answers',
    );
    return [undefined, undefined];
  }
  const context = {
    key: 'chosen',
    purpose: 'context',
    roleKey: 'role',
    answeredBy: 'the final assistant messages answer it',
  } as const;
  checkRoleOrder(chosenRoles.slice(0, shared), context, issues);
  return [
    singleAnswerMessage(chosen, 'chosen', shared, issues),
    singleAnswerMessage(rejected, 'rejected', shared, issues),
  ];
}
