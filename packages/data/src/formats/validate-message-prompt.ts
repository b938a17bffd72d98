import type { IssueList } from './issue-list.js';
import { checkRoleOrder } from './validate-conversation.js';
import { validateMessageList } from './validate-messages.js';

/**
 * A prompt written as TRL's message list (`prompt: [{role, content}, ...]`): well-formed messages in
 * an order MedicalGPT can pair, ending with a user or tool message (`answeredBy` says what answers it).
 */
export function validateMessagePrompt(
  record: Readonly<Record<string, unknown>>,
  key: string,
  issues: IssueList,
  answeredBy: string,
): void {
  const roles = validateMessageList(record, key, issues);
  if (roles) checkRoleOrder(roles, { key, purpose: 'context', roleKey: 'role', answeredBy }, issues);
}
