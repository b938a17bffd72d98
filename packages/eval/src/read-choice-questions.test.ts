import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChoiceQuestions } from './read-choice-questions.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'medgpt-choices-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('readChoiceQuestions', () => {
  it("reads C-Eval and CMMLU CSVs and JSONL rows (MedQA's options/answer_idx too), subjects from file names", async () => {
    const d = dir({
      'clinical_medicine_val.csv':
        'id,question,A,B,C,D,answer,explanation\n0,"发热, 首选?",休息,手术,放疗,化疗,A,\n',
      'anatomy.csv': ',Question,A,B,C,D,Answer\n0,心脏有几个腔?,2,3,4,5,c\n',
      'medqa.jsonl':
        '{"question": "Q1", "options": {"A": "x", "B": "y"}, "answer_idx": "B", "subject": "usmle"}\n\n' +
        '{"question": "Q2", "A": "p", "B": "q", "C": "r", "answer": "A"}\n',
    });
    const qs = await readChoiceQuestions(d);
    expect(qs.map((q) => [q.subject, q.question, q.answer, q.options.map((o) => o.letter).join('')])).toEqual(
      [
        ['anatomy', '心脏有几个腔?', 'C', 'ABCD'],
        ['clinical_medicine', '发热, 首选?', 'A', 'ABCD'],
        ['usmle', 'Q1', 'B', 'AB'],
        ['medqa', 'Q2', 'A', 'ABC'],
      ],
    );
    expect(qs[1]!.options[0]).toEqual({ letter: 'A', text: '休息' });
    expect(qs[3]!.source).toBe(`${join(d, 'medqa.jsonl')}:3`);
  });

  it('names the file, line and field of a row that does not fit', async () => {
    await expect(readChoiceQuestions(dir({ 'x.csv': 'question,A,B,answer\nq,a,b,E\n' }))).rejects.toThrow(
      /x\.csv:2: field "answer" is "E"; expected one of A, B/,
    );
    await expect(readChoiceQuestions(dir({ 'y.csv': 'q,A,answer\n' }))).rejects.toThrow(
      /y\.csv:1: the header .* needs question, answer and option columns/,
    );
    await expect(
      readChoiceQuestions(dir({ 'z.jsonl': '{"question": "", "A": "a", "B": "b", "answer": "A"}\n' })),
    ).rejects.toThrow(/z\.jsonl:1: field "question": expected a non-empty string/);
    await expect(readChoiceQuestions(dir({ 'w.jsonl': 'not json\n' }))).rejects.toThrow(
      /w\.jsonl:1: not JSON/,
    );
  });
});
