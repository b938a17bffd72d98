import type { RecordIssue, RecordSource } from '../record-issue.js';
import {
  describeFormat,
  FORMAT_FAMILY,
  FORMAT_FIELDS,
  type DataFamily,
  type DataFormat,
} from './data-format.js';
import { detectFormat, isRecordObject } from './detect-format.js';
import { checkString, IssueList, jsonType } from './issue-list.js';
import { validateConversation } from './validate-conversation.js';
import { validateInstruction } from './validate-instruction.js';
import { validateMessages } from './validate-messages.js';
import { validatePreference } from './validate-preference.js';
import { validateUnpaired } from './validate-unpaired.js';
import { suggestField } from './suggest-field.js';

/** What a record is expected to be: an exact format, or any format of a family. */
export interface RecordExpectation {
  readonly format?: DataFormat;
  readonly family?: DataFamily;
  /** Any format of one of these families (a KTO stage reads unpaired or paired preference rows). */
  readonly families?: readonly DataFamily[];
}

export interface RecordCheck {
  /** The format the record was checked as (undefined when it matches none). */
  readonly format?: DataFormat;
  readonly issues: RecordIssue[];
  /** No errors: the record is usable (possibly with warnings). */
  readonly ok: boolean;
}

// FORMAT_FIELDS entries are `name [shape]/...`; the names alone are the known fields.
const KNOWN_FIELDS = [
  ...new Set(
    Object.values(FORMAT_FIELDS).flatMap((fields) => fields.split('/').map((f) => f.split(' ')[0]!)),
  ),
  'history',
  'system',
  'tools',
];
const KNOWN = Object.entries(FORMAT_FIELDS)
  .map(([format, fields]) => `${fields} (${format})`)
  .join(', ');

/**
 * Checks one parsed record: its format (detected, or the expected one) and every field of it. Each
 * issue names the record's file:line, the field, what is wrong and what is expected.
 */
export function checkRecord(
  value: unknown,
  source: RecordSource,
  expect: RecordExpectation = {},
): RecordCheck {
  const issues = new IssueList(source);
  if (!isRecordObject(value)) {
    issues.error('not-an-object', undefined, `the record is ${jsonType(value)}`, 'a JSON object');
    return { issues: issues.issues, ok: false };
  }
  const detected = detectFormat(value);
  const format = expect.format ?? detected;
  if (format === undefined) {
    const keys = Object.keys(value);
    const hint = suggestField(keys, KNOWN_FIELDS);
    const typo = hint ? `; did you mean "${hint.suggestion}" for "${hint.key}"?` : '';
    issues.error(
      'unknown-format',
      undefined,
      `no known fields (keys: ${keys.slice(0, 8).join(', ') || 'none'})${typo}`,
      `one of: ${KNOWN}`,
    );
    return { issues: issues.issues, ok: false };
  }
  const families = expect.family ? [expect.family] : expect.families;
  if (families && !families.includes(FORMAT_FAMILY[format])) {
    issues.error(
      'format-mismatch',
      undefined,
      `the record is ${describeFormat(format)}`,
      `${families.join(' or ')} data`,
    );
    return { format, issues: issues.issues, ok: false };
  }
  validateFormat(value, format, issues);
  return { format, issues: issues.issues, ok: !issues.hasErrors };
}

function validateFormat(
  record: Readonly<Record<string, unknown>>,
  format: DataFormat,
  issues: IssueList,
): void {
  switch (format) {
    case 'sharegpt':
      return validateConversation(record, issues, { key: 'conversations', purpose: 'sft' });
    case 'sharegpt-items':
      return validateConversation(record, issues, { key: 'items', purpose: 'sft' });
    case 'messages':
      return validateMessages(record, issues);
    case 'preference':
    case 'sharegpt-preference':
    case 'prompt-preference':
    case 'messages-preference':
    case 'implicit-preference':
    case 'preference-legacy':
      return validatePreference(record, format, issues);
    case 'unpaired':
    case 'prompt-unpaired':
    case 'messages-unpaired':
    case 'kto-sharegpt':
      return validateUnpaired(record, format, issues);
    case 'alpaca':
    case 'qa':
      return validateInstruction(record, format, issues);
    case 'grpo':
      checkString(record, 'question', issues, { what: 'the question' });
      checkString(record, 'answer', issues, { what: 'the gold answer' });
      return;
    case 'text':
      if (checkString(record, 'text', issues, { allowEmpty: true, what: 'the document' }) === '') {
        issues.warning(
          'empty-value',
          'text',
          'is empty; it becomes a lone EOS token',
          'a non-empty document',
        );
      }
  }
}
