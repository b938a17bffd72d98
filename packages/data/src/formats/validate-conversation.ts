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
   * unanswered user-side turn (chosen/rejected answer it).
   */
  readonly purpose: 'sft' | 'context';
}

/**
 * A ShareGPT conversation as MedicalGPT reads it (§4.2): turns of `{from, value}` strings, known roles,
 * tool calls as `{"name", "arguments"}` JSON, `tools` as a JSON list. Role order problems MedicalGPT
 * tolerates by altering the data (dropping or joining turns) are warnings; the rest are errors.
 */
export function validateConversation(
  record: Readonly<Record<string, unknown>>,
  issues: IssueList,
  rules: ConversationRules,
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
    const roles = turns.map((turn, i) => checkTurn(turn, `${rules.key}[${i}]`, issues));
    if (roles.every((role) => role !== undefined)) checkRoleOrder(roles as string[], rules, issues);
  }
  validateTools(record, issues);
  checkString(record, 'system_prompt', issues, { optional: true, allowEmpty: true, what: 'a system prompt' });
}

/** One turn's shape; returns its role when the turn is well formed. */
function checkTurn(turn: unknown, field: string, issues: IssueList): string | undefined {
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
    // MedicalGPT trains on it as it is, so it is kept; an empty answer teaches an immediate EOS.
    issues.warning('empty-value', `${field}.value`, `the ${from} turn is empty`, 'non-empty text');
  }
  if (value !== undefined && from === 'function_call') checkFunctionCall(value, `${field}.value`, issues);
  const errors = issues.issues.slice(before).filter((issue) => issue.severity === 'error');
  return errors.length === 0 ? from : undefined;
}

/** MedicalGPT json.loads a function_call value (a crash if it is not JSON) and renders name/arguments. */
function checkFunctionCall(value: string, field: string, issues: IssueList): void {
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

function checkRoleOrder(roles: readonly string[], rules: ConversationRules, issues: IssueList): void {
  let open = false;
  let pairs = 0;
  for (const [i, role] of roles.entries()) {
    const field = `${rules.key}[${i}].from`;
    if (role === 'system') {
      if (i > 0)
        issues.warning(
          'role-order',
          field,
          'a system turn after the first turn; the last system turn is used',
          'system first',
        );
    } else if (USER_ROLES.has(role)) {
      if (open) {
        issues.warning(
          'role-order',
          field,
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
        field,
        `${why}; this turn is dropped (MedicalGPT ignores it)`,
        'alternating user and assistant turns',
      );
    } else {
      open = false;
      pairs += 1;
    }
  }
  const last = `${rules.key}[${roles.length - 1}].from`;
  if (rules.purpose === 'context') {
    if (!open) {
      issues.error(
        'role-order',
        last,
        'the context ends with an answer',
        'conversations ending with a human or observation turn; chosen/rejected answer it',
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

/** `tools`: a JSON string of a list of tool definitions (a parsed list is accepted too). */
function validateTools(record: Readonly<Record<string, unknown>>, issues: IssueList): void {
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
