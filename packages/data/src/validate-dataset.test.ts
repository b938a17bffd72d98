// `validate` must find every planted error, at its line, with the right field and kind.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countIssues } from './dataset-tally.js';
import { formatDatasetReport } from './format-dataset-report.js';
import { DataError, formatIssue, type IssueCode, type IssueSeverity } from './record-issue.js';
import { validateDataset } from './validate-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'medgpt-validate-'));
const sample = (rel: string) => new URL(`../../../data/medicalgpt/${rel}`, import.meta.url).pathname;
const turn = (from: unknown, value: unknown) => ({ from, value });
const good = { conversations: [turn('human', 'Q'), turn('gpt', 'A')] };

/** Each line and the issues planted in it: [severity, code, field]. */
const planted: [line: string, issues: [IssueSeverity, IssueCode, string | undefined][]][] = [
  [JSON.stringify(good), []],
  ['{"conversations": [', [['error', 'invalid-json', undefined]]],
  ['[1, 2]', [['error', 'not-an-object', undefined]]],
  [JSON.stringify({ conversation: [] }), [['error', 'unknown-format', undefined]]],
  [JSON.stringify({ conversations: [] }), [['error', 'empty-value', 'conversations']]],
  [JSON.stringify({ conversations: 'hi' }), [['error', 'wrong-type', 'conversations']]],
  [
    JSON.stringify({ conversations: [turn('human', 'Q'), { from: 'gpt' }] }),
    [['error', 'missing-field', 'conversations[1].value']],
  ],
  [
    JSON.stringify({ conversations: [turn('human', 42), turn('gpt', 'A')] }),
    [['error', 'wrong-type', 'conversations[0].value']],
  ],
  [
    JSON.stringify({ conversations: [turn('humna', 'Q'), turn('gpt', 'A')] }),
    [['error', 'unknown-role', 'conversations[0].from']],
  ],
  [
    JSON.stringify({ conversations: [turn('gpt', 'A'), turn('human', 'Q'), turn('gpt', 'A')] }),
    [['warning', 'role-order', 'conversations[0].from']],
  ],
  [
    JSON.stringify({ conversations: [turn('human', 'Q'), turn('gpt', 'A'), turn('gpt', 'B')] }),
    [['warning', 'role-order', 'conversations[2].from']],
  ],
  [
    JSON.stringify({ conversations: [turn('human', 'Q'), turn('gpt', 'A'), turn('human', 'Q2')] }),
    [['warning', 'role-order', 'conversations[2].from']],
  ],
  [
    JSON.stringify({ conversations: [turn('human', 'Q')] }),
    [['error', 'no-answered-question', 'conversations']],
  ],
  [
    JSON.stringify({ conversations: [turn('human', ' '), turn('gpt', 'A')] }),
    [['error', 'empty-value', 'conversations[0].value']],
  ],
  [
    JSON.stringify({
      conversations: [
        turn('human', 'Q'),
        turn('function_call', '{not json'),
        turn('observation', 'x'),
        turn('gpt', 'A'),
      ],
    }),
    [['error', 'invalid-function-call', 'conversations[1].value']],
  ],
  [JSON.stringify({ ...good, tools: '[{"name": "f"}' }), [['error', 'invalid-tools', 'tools']]],
  [
    JSON.stringify({ ...good, tools: '[{"description": "no name"}]' }),
    [['error', 'invalid-tools', 'tools[0]']],
  ],
  [JSON.stringify({ ...good, system_prompt: 5 }), [['error', 'wrong-type', 'system_prompt']]],
  [
    JSON.stringify({
      conversations: [
        turn('system', 'S'),
        turn('human', 'Q'),
        turn('function_call', '{"name":"f","arguments":{}}'),
        turn('observation', '{}'),
        turn('gpt', 'A'),
      ],
      tools: '[{"name":"f"}]',
    }),
    [],
  ],
  [`${JSON.stringify(good)}\r`, []],
  ['', []], // blank: not a record
];

const plantedFile = () => {
  const path = join(root, 'bad.jsonl');
  writeFileSync(path, `\ufeff${planted.map(([line]) => line).join('\n')}\n`);
  return path;
};

describe('validateDataset', () => {
  it('finds every planted error and warning at its line, and nothing else', async () => {
    const path = plantedFile();
    const report = await validateDataset(path, { stage: 'sft' });
    const found = report.issues.map((i) => [i.line, i.severity, i.code, i.field]);
    const expected = [
      [1, 'warning', 'byte-order-mark', undefined],
      ...planted.flatMap(([, issues], i) =>
        issues.map(([severity, code, field]) => [i + 1, severity, code, field]),
      ),
    ];
    expect(found).toEqual(expected);
    const invalidLines = new Set(
      planted.flatMap(([, issues], i) => (issues.some(([s]) => s === 'error') ? [i + 1] : [])),
    );
    expect(report.invalid).toBe(invalidLines.size);
    expect(report.records).toBe(planted.filter(([line]) => line !== '').length);
    expect(report.valid + report.invalid).toBe(report.records);
    expect(report.issues.find((i) => i.line === 4)!.message).toContain(
      'did you mean "conversations" for "conversation"?',
    );
    for (const issue of report.issues)
      expect(formatIssue(issue)).toMatch(new RegExp(`^${path}:\\d+: (error|warning): `));
  });

  it('stops at the first error with strict', async () => {
    const error = await validateDataset(plantedFile(), { stage: 'sft', strict: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).issue).toMatchObject({ line: 2, code: 'invalid-json' });
  });

  it('flags records of another kind in a mixed directory, each at its file:line', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(good)}\n`);
    writeFileSync(
      join(dir, 'b.jsonl'),
      `${JSON.stringify({ instruction: 'I', input: '', output: 'O' })}\n${JSON.stringify({ question: 'q', answer: 'a' })}\n`,
    );
    writeFileSync(join(dir, 'c.txt'), 'plain text\n');
    const report = await validateDataset(dir);
    expect(report.family).toBe('conversation');
    expect(report.familySource).toEqual({ file: join(dir, 'a.jsonl'), line: 1 });
    expect(report.formats).toEqual({ sharegpt: 1, alpaca: 1 }); // Alpaca converts to ShareGPT
    expect(report.issues.map((i) => [i.file.slice(dir.length + 1), i.line, i.code])).toEqual([
      ['b.jsonl', 2, 'format-mismatch'],
      ['c.txt', 1, 'format-mismatch'],
    ]);
    expect(report.issues[0]!.message).toContain('grpo (question/answer)');
  });

  it("accepts MedicalGPT's sample data, tool roles included", async () => {
    const sft = await validateDataset(sample('sft/glaive_toolcall_zh_demo.jsonl'), { stage: 'sft' });
    expect([sft.records, sft.valid]).toEqual([300, 300]); // validate_jsonl.py: 141/300
    const pref = await validateDataset(sample('reward'), { stage: 'dpo' });
    expect([pref.records, pref.valid, countIssues(pref, 'error')]).toEqual([511, 511, 0]);
    const grpo = await validateDataset(sample('grpo'), { stage: 'grpo' });
    expect(grpo.valid).toBe(32);
  });

  it('summarises counts and kinds', async () => {
    const report = await validateDataset(plantedFile(), { stage: 'sft' });
    const text = formatDatasetReport(report);
    expect(text).toContain(`${report.records} records in 1 file: ${report.valid} valid`);
    expect(text).toMatch(/errors \(\d+\): .*invalid-json 1/);
    expect(text).toMatch(/warnings \(\d+\): .*role-order 3/);
  });

  it('checks a preference context ends with a question, and names empty answers', async () => {
    const path = join(root, 'pref.jsonl');
    const rows = [
      { conversations: [turn('human', 'Q'), turn('gpt', 'A')], chosen: 'c', rejected: 'r' },
      { conversations: [turn('human', 'Q')], chosen: '', rejected: 'r' },
      { conversations: [turn('human', 'Q')], chosen: 'same', rejected: 'same' },
      { prompt: 'P', chosen: 'c', rejected: 'r' },
      { question: 'Q', response_chosen: 'c', response_rejected: 'r', history: [['q0', 'a0']] },
      { question: 'Q', response_chosen: 'c', response_rejected: 'r', history: [['q0']] },
    ];
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
    const report = await validateDataset(path, { stage: 'dpo' });
    expect(report.issues.map((i) => [i.line, i.severity, i.code, i.field])).toEqual([
      [1, 'error', 'role-order', 'conversations[1].from'],
      [2, 'error', 'empty-value', 'chosen'],
      [3, 'warning', 'identical-responses', 'rejected'],
      [6, 'error', 'wrong-type', 'history[0]'],
    ]);
    expect(report.formats).toEqual({ preference: 1, 'prompt-preference': 1, 'preference-legacy': 1 });
  });

  it('KTO accepts unpaired or paired rows: the first record of either family decides', async () => {
    const pref = await validateDataset(sample('reward'), { stage: 'kto' });
    expect([pref.family, pref.valid, pref.invalid]).toEqual(['preference', 511, 0]);
    expect(formatDatasetReport(pref)).toContain('data: preference (set by ');
    const path = join(root, 'kto.jsonl');
    const rows = [
      good,
      { prompt: 'Q', completion: 'A', label: true },
      { prompt: 'Q', chosen: 'c', rejected: 'r' },
    ];
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
    const report = await validateDataset(path, { stage: 'kto' });
    expect([report.family, report.familySource?.line]).toEqual(['unpaired', 2]);
    expect(report.issues.map((i) => [i.line, i.code, i.expected])).toEqual([
      [1, 'format-mismatch', 'unpaired or preference data'],
      [3, 'format-mismatch', 'unpaired data'],
    ]);
  });
});
