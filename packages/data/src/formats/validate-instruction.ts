import { checkString, type IssueList } from './issue-list.js';
import { validateHistory } from './validate-history.js';

/**
 * Alpaca `{instruction, input?, output, history?, system?}` and QA `{input, output}`, the inputs of
 * convert_dataset.py. The question is `instruction` + `"\n\n"` + `input` (either may be empty, not both).
 */
export function validateInstruction(
  record: Readonly<Record<string, unknown>>,
  format: 'alpaca' | 'qa',
  issues: IssueList,
): void {
  if (format === 'qa') {
    checkString(record, 'input', issues, { what: 'the question' });
  } else {
    const instruction = checkString(record, 'instruction', issues, {
      allowEmpty: true,
      what: 'the instruction',
    });
    const input = checkString(record, 'input', issues, {
      optional: true,
      allowEmpty: true,
      what: 'the input',
    });
    if (instruction !== undefined && instruction.trim() === '' && (input ?? '').trim() === '') {
      issues.error(
        'empty-value',
        'instruction',
        'instruction and input are both empty',
        'a non-empty instruction',
      );
    }
    checkString(record, 'system', issues, { optional: true, allowEmpty: true, what: 'a system prompt' });
    validateHistory(record, issues);
  }
  checkString(record, 'output', issues, { what: 'the answer' });
}
