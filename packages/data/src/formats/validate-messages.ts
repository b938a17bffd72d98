import { isRecordObject } from './detect-format.js';
import { checkString, jsonType, type IssueList } from './issue-list.js';

/** OpenAI roles and the ShareGPT role each becomes. */
export const MESSAGE_ROLE_TO_SHAREGPT: Readonly<Record<string, string>> = {
  system: 'system',
  user: 'human',
  assistant: 'gpt',
  tool: 'observation',
};

/** `{messages: [{role, content}]}` with system/user/assistant/tool roles and string contents. */
export function validateMessages(record: Readonly<Record<string, unknown>>, issues: IssueList): void {
  const messages = record.messages;
  const expected = 'an array of {"role", "content"} messages';
  if (!Array.isArray(messages)) {
    issues.error(
      messages == null ? 'missing-field' : 'wrong-type',
      'messages',
      `is ${jsonType(messages)}`,
      expected,
    );
    return;
  }
  if (messages.length === 0) issues.error('empty-value', 'messages', 'has no messages', expected);
  for (const [i, message] of messages.entries()) {
    const field = `messages[${i}]`;
    if (!isRecordObject(message)) {
      issues.error('wrong-type', field, `is ${jsonType(message)}`, 'an object {"role", "content"}');
      continue;
    }
    const role = checkString(
      message,
      'role',
      issues,
      { what: 'system, user, assistant or tool' },
      `${field}.role`,
    );
    if (role !== undefined && !Object.hasOwn(MESSAGE_ROLE_TO_SHAREGPT, role)) {
      issues.error(
        'unknown-role',
        `${field}.role`,
        `unknown role ${JSON.stringify(role)}`,
        'system, user, assistant or tool',
      );
    }
    checkString(
      message,
      'content',
      issues,
      { allowEmpty: role === 'system', what: 'the message text' },
      `${field}.content`,
    );
  }
}
