import { isRecordObject } from './detect-format.js';
import { checkString, jsonType, type IssueList } from './issue-list.js';
import { ASSISTANT_ROLES, checkFunctionCall } from './validate-conversation.js';

const ASSISTANT_LIST = 'gpt, assistant or function_call';

/**
 * A candidate answer written as a ShareGPT turn (LLaMA-Factory's `chosen`/`rejected`): an object
 * `{"from": an assistant role, "value": non-empty text}`. Returns the value when the turn is usable.
 */
export function validateAnswerTurn(
  record: Readonly<Record<string, unknown>>,
  key: string,
  issues: IssueList,
): string | undefined {
  const turn = record[key];
  const expected = `a turn {"from": "gpt", "value": text}`;
  if (!isRecordObject(turn)) {
    issues.error(turn == null ? 'missing-field' : 'wrong-type', key, `is ${jsonType(turn)}`, expected);
    return undefined;
  }
  const from = checkString(turn, 'from', issues, { what: ASSISTANT_LIST }, `${key}.from`);
  const value = checkString(turn, 'value', issues, { what: 'the answer' }, `${key}.value`);
  if (from === undefined) return undefined;
  if (!ASSISTANT_ROLES.has(from)) {
    issues.error(
      'unknown-role',
      `${key}.from`,
      `${JSON.stringify(from)} is not an answer role`,
      ASSISTANT_LIST,
    );
    return undefined;
  }
  if (value !== undefined && from === 'function_call') checkFunctionCall(value, `${key}.value`, issues);
  return value;
}
