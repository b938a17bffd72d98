import type { DialogPair } from '@medgpt/templates';
import type { PredictExample, PredictLineError } from './predict-example.js';

type Row = Readonly<Record<string, unknown>>;
type Parsed = PredictExample | { error: PredictLineError };

const USER = new Set(['human', 'user']);
const ASSISTANT = new Set(['gpt', 'assistant']);
/** Fields holding a single question, in the order they are looked for. */
const QUESTION_FIELDS = ['Input', 'question', 'prompt', 'query'] as const;
export const PREDICT_FIELDS =
  'a JSON string, or an object with conversations, messages, instruction(+input), Input, question, prompt or query';

/**
 * The question of one JSON line, in any layout MedicalGPT's data uses: ShareGPT `conversations`
 * (from/value) or OpenAI `messages` (role/content), whose last user turn is asked with the turns
 * before it as history (a final answer is the reference and is dropped); Alpaca `instruction` +
 * `input` (joined by a blank line, as convert_dataset.py does) with optional `system` and `history`;
 * a single-question field (`Input` of inference.py's own output, GRPO's `question`, `prompt`,
 * `query`); or a bare JSON string.
 */
export function parsePredictRecord(value: unknown): Parsed {
  if (typeof value === 'string') return question(value, '');
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('', `is ${Array.isArray(value) ? 'an array' : String(value)}`, PREDICT_FIELDS);
  const row = value as Row;
  if ('conversations' in row) return fromTurns(row.conversations, 'conversations', 'from', 'value', row);
  if ('messages' in row) return fromTurns(row.messages, 'messages', 'role', 'content', row);
  if ('instruction' in row) return fromAlpaca(row);
  const field = QUESTION_FIELDS.find((f) => f in row);
  if (field !== undefined) return question(row[field], field, systemOf(row, 'system'));
  return fail(
    '',
    `has none of the fields predict reads (keys: ${Object.keys(row).join(', ')})`,
    PREDICT_FIELDS,
  );
}

function question(value: unknown, field: string, system?: string): Parsed {
  if (typeof value !== 'string') return fail(field, `is ${typeName(value)}`, 'a string');
  if (value.trim() === '') return fail(field, 'is empty', 'a question');
  return { input: value, history: [], ...(system ? { system } : {}) };
}

function fromAlpaca(row: Row): Parsed {
  const { instruction, input } = row;
  if (typeof instruction !== 'string') return fail('instruction', `is ${typeName(instruction)}`, 'a string');
  if (input !== undefined && input !== null && typeof input !== 'string')
    return fail('input', `is ${typeName(input)}`, 'a string');
  const text = typeof input === 'string' && input.trim() !== '' ? `${instruction}\n\n${input}` : instruction;
  const history = alpacaHistory(row.history);
  if ('error' in history) return history;
  const parsed = question(text, 'instruction', systemOf(row, 'system'));
  return 'error' in parsed ? parsed : { ...parsed, history };
}

function alpacaHistory(value: unknown): DialogPair[] | { error: PredictLineError } {
  if (value === undefined || value === null) return [];
  const ok =
    Array.isArray(value) &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === 'string'));
  return ok
    ? (value as DialogPair[])
    : fail('history', 'is not a list of pairs', '[["question", "answer"], ...]');
}

function fromTurns(value: unknown, field: string, roleKey: string, textKey: string, row: Row): Parsed {
  if (!Array.isArray(value) || value.length === 0)
    return fail(field, Array.isArray(value) ? 'is empty' : `is ${typeName(value)}`, 'a list of turns');
  let system = systemOf(row, 'system_prompt');
  const history: DialogPair[] = [];
  let pending: string | undefined;
  for (const [i, turn] of value.entries()) {
    const where = `${field}[${i}]`;
    const role: unknown = (turn as Row | null)?.[roleKey];
    const text: unknown = (turn as Row | null)?.[textKey];
    if (typeof text !== 'string') return fail(`${where}.${textKey}`, `is ${typeName(text)}`, 'a string');
    if (role === 'system' && i === 0) system = text;
    else if (typeof role === 'string' && USER.has(role) && pending === undefined) pending = text;
    else if (typeof role === 'string' && ASSISTANT.has(role) && pending !== undefined) {
      history.push([pending, text]);
      pending = undefined;
    } else {
      const expected = pending === undefined ? 'a user turn (human/user)' : 'an answer (gpt/assistant)';
      return fail(`${where}.${roleKey}`, `is ${JSON.stringify(role)}`, expected);
    }
  }
  // A conversation that ends with an answer: that answer is the reference, its question is asked.
  const last = pending ?? history.pop()?.[0];
  if (last === undefined) return fail(field, 'has no user turn', 'a user turn to answer');
  const parsed = question(last, field, system);
  return 'error' in parsed ? parsed : { ...parsed, history };
}

function systemOf(row: Row, key: string): string | undefined {
  const value = row[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return value === undefined ? 'missing' : `a ${typeof value}`;
}

function fail(field: string, message: string, expected?: string): { error: PredictLineError } {
  return { error: { ...(field ? { field } : {}), message, ...(expected ? { expected } : {}) } };
}
