import type { IssueList } from './issue-list.js';
import { validateMessageList } from './validate-messages.js';

type Message = Readonly<Record<string, unknown>>;

const EXPECTED = 'exactly one {"role": "assistant", "content": text} message';

/**
 * An answer written as TRL's conversational completion (`chosen`, `rejected`, `completion`): a list
 * holding one assistant message. Returns its content when usable.
 */
export function validateMessageAnswer(
  record: Readonly<Record<string, unknown>>,
  key: string,
  issues: IssueList,
): string | undefined {
  if (!validateMessageList(record, key, issues)) return undefined;
  return singleAnswerMessage(record[key] as Message[], key, 0, issues);
}

/**
 * `messages[start:]` must be one assistant message: the canonical answer is a single string (a TRL
 * completion of several messages, such as a tool call and its result, has no place in it).
 */
export function singleAnswerMessage(
  messages: readonly Message[],
  key: string,
  start: number,
  issues: IssueList,
): string | undefined {
  const count = messages.length - start;
  const after = start > 0 ? `after the ${start} shared prompt message${start === 1 ? '' : 's'}, ` : '';
  if (count !== 1) {
    issues.error('multi-message-answer', key, `${after}the answer has ${count} messages`, EXPECTED);
    return undefined;
  }
  const message = messages[start]!;
  if (message.role !== 'assistant') {
    const field = `${key}[${start}].role`;
    issues.error(
      'role-order',
      field,
      `${after}the answer is a ${JSON.stringify(message.role)} message`,
      EXPECTED,
    );
    return undefined;
  }
  return message.content as string;
}
