import { isRecordObject } from './detect-format.js';
import { checkString, jsonType, type IssueList } from './issue-list.js';
import { checkRoleOrder } from './validate-conversation.js';

/** OpenAI roles and the ShareGPT role each becomes. */
export const MESSAGE_ROLE_TO_SHAREGPT: Readonly<Record<string, string>> = {
  system: 'system',
  user: 'human',
  assistant: 'gpt',
  tool: 'observation',
};

const ROLES = 'system, user, assistant or tool';

/**
 * `{messages: [{role, content}]}` with system/user/assistant/tool roles and string contents, in an
 * order ShareGPT's pairing can train on (the record becomes ShareGPT turns, checked the same way).
 */
export function validateMessages(record: Readonly<Record<string, unknown>>, issues: IssueList): void {
  const roles = validateMessageList(record, 'messages', issues);
  if (roles) checkRoleOrder(roles, { key: 'messages', purpose: 'sft', roleKey: 'role' }, issues);
}

/**
 * A list of `{role, content}` messages under `record[key]`: known roles, string contents (empty only
 * for a system message). Returns each message's role, or undefined when the list or a message is
 * unusable.
 */
export function validateMessageList(
  record: Readonly<Record<string, unknown>>,
  key: string,
  issues: IssueList,
): string[] | undefined {
  const messages = record[key];
  const expected = 'an array of {"role", "content"} messages';
  if (!Array.isArray(messages)) {
    issues.error(
      messages == null ? 'missing-field' : 'wrong-type',
      key,
      `is ${jsonType(messages)}`,
      expected,
    );
    return undefined;
  }
  if (messages.length === 0) {
    issues.error('empty-value', key, 'has no messages', expected);
    return undefined;
  }
  const roles = messages.map((message, i) => checkMessage(message, `${key}[${i}]`, issues));
  return roles.every((role) => role !== undefined) ? (roles as string[]) : undefined;
}

/** One message's shape; returns its role when the message is well formed. */
function checkMessage(message: unknown, field: string, issues: IssueList): string | undefined {
  if (!isRecordObject(message)) {
    issues.error('wrong-type', field, `is ${jsonType(message)}`, 'an object {"role", "content"}');
    return undefined;
  }
  const before = issues.issues.length;
  const role = checkString(message, 'role', issues, { what: ROLES }, `${field}.role`);
  if (role !== undefined && !Object.hasOwn(MESSAGE_ROLE_TO_SHAREGPT, role)) {
    issues.error('unknown-role', `${field}.role`, `unknown role ${JSON.stringify(role)}`, ROLES);
  }
  checkString(
    message,
    'content',
    issues,
    { allowEmpty: role === 'system', what: 'the message text' },
    `${field}.content`,
  );
  const failed = issues.issues.slice(before).some((issue) => issue.severity === 'error');
  return failed ? undefined : role;
}
