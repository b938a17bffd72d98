import { isRecordObject } from './detect-format.js';
import { checkString, jsonType, type IssueList } from './issue-list.js';

/** ShareGPT roles MedicalGPT maps to the user side, the assistant side, and the system prompt. */
export const USER_ROLES: ReadonlySet<string> = new Set(['human', 'user', 'observation']);
export const ASSISTANT_ROLES: ReadonlySet<string> = new Set(['gpt', 'assistant', 'function_call']);
const ROLE_LIST = 'system, human, gpt, function_call or observation (user/assistant also accepted)';

export interface ConversationRules {
  /** The field holding the turns (`conversations`, or `items`). */
  readonly key: string;
  /**
   * `sft`: at least one answered question. `context`: a preference prompt, which must end with an
   * unanswered user-side turn (chosen/rejected answer it). `completion`: a context followed by one
   * final assistant-side turn, the answer (LLaMA-Factory's KTO rows).
   */
  readonly purpose: 'sft' | 'context' | 'completion';
}

/** How a role-order check names its fields and what answers the context. */
export interface RoleOrderRules extends ConversationRules {
  /** The key of a turn's role: `from` (ShareGPT, the default) or `role` (messages). */
  readonly roleKey?: string;
  /** What answers a `context`, for the expected text (default: `chosen/rejected answer it`). */
  readonly answeredBy?: string;
}

/**
 * A ShareGPT conversation as MedicalGPT reads it (§4.2): turns of `{from, value}` strings, known roles,
 * tool calls as `{"name", "arguments"}` JSON, `tools` as a JSON list. Role order problems MedicalGPT
 * tolerates by altering the data (dropping or joining turns) are warnings; the rest are errors.
 */
export function validateConversation(
  record: Readonly<Record<string, unknown>>,
  issues: IssueList,
  rules: RoleOrderRules,
): void {
  const turns = record[rules.key];
  const expected = `an array of {"from", "value"} turns`;
  if (turns === undefined || turns === null) {
    issues.error('missing-field', rules.key, `missing "${rules.key}"`, expected);
  } else if (!Array.isArray(turns)) {
    issues.error('wrong-type', rules.key, `is ${jsonType(turns)}`, expected);
  } else if (turns.length === 0) {
    issues.error('empty-value', rules.key, 'has no turns', expected);
  } else {
    const isCompletion = (i: number) => rules.purpose === 'completion' && i === turns.length - 1;
    const roles = turns.map((turn, i) => checkTurn(turn, `${rules.key}[${i}]`, issues, isCompletion(i)));
    if (roles.every((role) => role !== undefined)) checkRoleOrder(roles as string[], rules, issues);
  }
  validateTools(record, issues);
  checkString(record, 'system_prompt', issues, { optional: true, allowEmpty: true, what: 'a system prompt' });
}

/** One turn's shape; returns its role when the turn is well formed. A KTO completion must not be empty. */
function checkTurn(turn: unknown, field: string, issues: IssueList, completion: boolean): string | undefined {
  if (!isRecordObject(turn)) {
    issues.error('wrong-type', field, `is ${jsonType(turn)}`, 'an object {"from": role, "value": text}');
    return undefined;
  }
  const before = issues.issues.length;
  const from = checkString(turn, 'from', issues, { what: `a role: ${ROLE_LIST}` }, `${field}.from`);
  const value = checkString(
    turn,
    'value',
    issues,
    { allowEmpty: true, what: 'the turn text' },
    `${field}.value`,
  );
  if (from !== undefined && !USER_ROLES.has(from) && !ASSISTANT_ROLES.has(from) && from !== 'system') {
    issues.error('unknown-role', `${field}.from`, `unknown role ${JSON.stringify(from)}`, ROLE_LIST);
  }
  if (value !== undefined && from !== undefined && from !== 'system' && value.trim() === '') {
    // MedicalGPT trains on such a record as it is; here it is refused: an empty question teaches an
    // answer to nothing, an empty answer an immediate EOS.
    const problem = completion ? 'the completion (the last turn) is empty' : `the ${from} turn is empty`;
    issues.error('empty-value', `${field}.value`, problem, 'non-empty text');
  }
  if (value !== undefined && from === 'function_call') checkFunctionCall(value, `${field}.value`, issues);
  const errors = issues.issues.slice(before).filter((issue) => issue.severity === 'error');
  return errors.length === 0 ? from : undefined;
}

/** MedicalGPT json.loads a function_call value (a crash if it is not JSON) and renders name/arguments. */
export function checkFunctionCall(value: string, field: string, issues: IssueList): void {
  const expected = 'a JSON string {"name": ..., "arguments": {...}}';
  let call: unknown;
  try {
    call = JSON.parse(value);
  } catch {
    issues.error('invalid-function-call', field, 'the function_call value is not JSON', expected);
    return;
  }
  if (!isRecordObject(call) || typeof call.name !== 'string' || !Object.hasOwn(call, 'arguments')) {
    issues.warning(
      'invalid-function-call',
      field,
      'the function_call has no "name"/"arguments"; it is trained on as plain text',
      expected,
    );
  }
}

/**
 * The order of user-side and assistant-side turns, as MedicalGPT's pairing reads it: problems it
 * repairs (joining, dropping) are warnings; a conversation with nothing to train on is an error.
 * Message roles (`user`, `assistant`, `tool`) are read like their ShareGPT counterparts.
 */
export function checkRoleOrder(roles: readonly string[], rules: RoleOrderRules, issues: IssueList): void {
  const field = (i: number) => `${rules.key}[${i}].${rules.roleKey ?? 'from'}`;
  const last = field(roles.length - 1);
  const body = rules.purpose === 'completion' ? roles.slice(0, -1) : roles;
  const { open, pairs } = walkRoles(body, field, issues);
  if (rules.purpose === 'completion') {
    checkCompletionTurn(roles, open, last, issues);
  } else if (rules.purpose === 'context') {
    if (!open) {
      const user = rules.roleKey === 'role' ? 'a user or tool message' : 'a human or observation turn';
      issues.error(
        'role-order',
        last,
        'the context ends with an answer',
        `${rules.key} ending with ${user}; ${rules.answeredBy ?? 'chosen/rejected answer it'}`,
      );
    }
  } else if (pairs === 0) {
    issues.error(
      'no-answered-question',
      rules.key,
      'no question is followed by an answer; nothing to train on',
      'at least one human turn followed by a gpt turn',
    );
  } else if (open) {
    issues.warning('role-order', last, 'ends with an unanswered question; it is dropped', 'a final gpt turn');
  }
}

/** Whether a role is on the user side (a message's `tool` result is ShareGPT's `observation`). */
function isUserSide(role: string): boolean {
  return USER_ROLES.has(role) || role === 'tool';
}

function isAssistantSide(role: string): boolean {
  return ASSISTANT_ROLES.has(role);
}

/** Walks the turns, warning where MedicalGPT joins or drops one; returns the final state. */
function walkRoles(
  roles: readonly string[],
  field: (i: number) => string,
  issues: IssueList,
): { open: boolean; pairs: number } {
  let open = false;
  let pairs = 0;
  for (const [i, role] of roles.entries()) {
    if (role === 'system') {
      if (i > 0)
        issues.warning(
          'role-order',
          field(i),
          'a system turn after the first turn; the last system turn is used',
          'system first',
        );
    } else if (isUserSide(role)) {
      if (open) {
        issues.warning(
          'role-order',
          field(i),
          `"${role}" follows an unanswered turn; the two are joined with a newline`,
          'alternating user and assistant turns',
        );
      }
      open = true;
    } else if (!open) {
      const why =
        pairs === 0 ? 'the conversation starts with an answer' : `"${role}" follows an answered turn`;
      issues.warning(
        'role-order',
        field(i),
        `${why}; this turn is dropped (MedicalGPT ignores it)`,
        'alternating user and assistant turns',
      );
    } else {
      open = false;
      pairs += 1;
    }
  }
  return { open, pairs };
}

/** The last turn of a KTO conversation is the completion: an answer to the open question before it. */
function checkCompletionTurn(
  roles: readonly string[],
  open: boolean,
  field: string,
  issues: IssueList,
): void {
  const role = roles[roles.length - 1]!;
  const expected = 'a final gpt turn (the completion) answering a human or observation turn';
  if (!isAssistantSide(role)) {
    issues.error('role-order', field, `the last turn is "${role}", not an answer`, expected);
  } else if (!open) {
    const why = roles.length === 1 ? 'there is no prompt before it' : 'it follows an answered turn';
    issues.error('role-order', field, `the completion (the last turn) answers nothing: ${why}`, expected);
  }
}

/** `tools`: a JSON string of a list of tool definitions (a parsed list is accepted too). */
export function validateTools(record: Readonly<Record<string, unknown>>, issues: IssueList): void {
  const tools = record.tools;
  if (tools === undefined || tools === null || tools === '') return;
  const expected = 'a JSON string of a list [{"name", "description", "parameters"}]';
  let list: unknown = tools;
  if (typeof tools === 'string') {
    try {
      list = JSON.parse(tools);
    } catch {
      issues.error('invalid-tools', 'tools', 'is not valid JSON', expected);
      return;
    }
  }
  if (!Array.isArray(list)) {
    issues.error('invalid-tools', 'tools', `holds ${jsonType(list)}, not a list`, expected);
    return;
  }
  for (const [i, tool] of list.entries()) {
    if (!isRecordObject(tool) || typeof tool.name !== 'string' || tool.name === '') {
      issues.error('invalid-tools', `tools[${i}]`, 'a tool without a "name"', expected);
    }
  }
}
