import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { jsonPreview } from '@medgpt/json-preview';
import type { ChoiceQuestion } from './choice-question.js';
import { parseCsv } from './parse-csv.js';

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/**
 * Multiple-choice questions from CSV or JSONL files (or directories of them, searched recursively):
 * - CSV with a header naming `question`, option columns `A`, `B`, ... and `answer` (any case; C-Eval's
 *   `id,question,A,B,C,D,answer,explanation` and CMMLU's `,Question,A,B,C,D,Answer` both work);
 * - JSONL rows `{question, A, B, C, D, answer}` or MedQA's `{question, options: {A: ...}, answer_idx}`.
 * The subject is a `subject` field, else the file name without its C-Eval suffix (`_val`, `_dev`,
 * `_test`). A row that does not fit is an error naming file:line, the field and what was expected.
 */
export async function readChoiceQuestions(paths: string | readonly string[]): Promise<ChoiceQuestion[]> {
  const files: string[] = [];
  for (const p of typeof paths === 'string' ? [paths] : paths) files.push(...(await listFiles(p)));
  if (files.length === 0) throw new Error(`${String(paths)}: no .csv or .jsonl files`);
  const out: ChoiceQuestion[] = [];
  for (const file of files.sort()) out.push(...(await readFileQuestions(file)));
  return out;
}

async function listFiles(path: string): Promise<string[]> {
  const s = await stat(path).catch((e: Error) => {
    throw new Error(`${path}: cannot read (${e.message})`, { cause: e });
  });
  if (!s.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (['.csv', '.jsonl'].includes(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

async function readFileQuestions(file: string): Promise<ChoiceQuestion[]> {
  const text = await readFile(file, 'utf8');
  const subject = basename(file, extname(file)).replace(/_(val|dev|test)$/i, '');
  if (extname(file).toLowerCase() === '.csv') return csvQuestions(text, file, subject);
  const out: ChoiceQuestion[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`, { cause: e });
    }
    out.push(jsonQuestion(row, `${file}:${i + 1}`, subject));
  });
  return out;
}

function csvQuestions(text: string, file: string, subject: string): ChoiceQuestion[] {
  const [header, ...rows] = parseCsv(text, file);
  if (header === undefined) return [];
  const col = (name: string) => header.fields.findIndex((f) => f.trim().toLowerCase() === name.toLowerCase());
  const q = col('question');
  const a = col('answer');
  const letters = LETTERS.filter((l) => col(l) >= 0);
  if (q < 0 || a < 0 || letters.length < 2)
    throw new Error(
      `${file}:${header.line}: the header ${jsonPreview(header.fields)} needs question, answer and option columns A, B, ...`,
    );
  return rows.map((r) =>
    checked(
      {
        question: r.fields[q] ?? '',
        options: letters.map((l) => ({ letter: l, text: r.fields[col(l)] ?? '' })),
        answer: (r.fields[a] ?? '').trim().toUpperCase(),
        subject,
      },
      `${file}:${r.line}`,
    ),
  );
}

function jsonQuestion(row: unknown, source: string, fileSubject: string): ChoiceQuestion {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new Error(`${source}: expected an object {question, A, B, ..., answer}, got ${jsonPreview(row)}`);
  const r = row as Record<string, unknown>;
  const inner = r.options;
  const table =
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : r;
  const letters = LETTERS.filter((l) => typeof table[l] === 'string');
  const answer = r.answer_idx ?? r.answer;
  return checked(
    {
      question: typeof r.question === 'string' ? r.question : '',
      options: letters.map((l) => ({ letter: l, text: table[l] as string })),
      answer: typeof answer === 'string' ? answer.trim().toUpperCase() : '',
      subject: typeof r.subject === 'string' && r.subject !== '' ? r.subject : fileSubject,
    },
    source,
  );
}

function checked(q: Omit<ChoiceQuestion, 'source'>, source: string): ChoiceQuestion {
  if (q.question.trim() === '') throw new Error(`${source}: field "question": expected a non-empty string`);
  if (q.options.length < 2) throw new Error(`${source}: expected at least two options A, B, ...`);
  if (!q.options.some((o) => o.letter === q.answer))
    throw new Error(
      `${source}: field "answer" is ${jsonPreview(q.answer)}; expected one of ${q.options.map((o) => o.letter).join(', ')}`,
    );
  return { ...q, source };
}
