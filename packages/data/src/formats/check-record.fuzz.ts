// Fuzz targets for the record parsers of each stage (checkRecord + toCanonical, as scanRecords and
// loadRecords run them on every JSONL line): generated records of every format with their canonical
// form computed independently, and JSON / byte mutations of them. Run by check-record.fuzz.test.ts
// (short budget) and bench/cpu/fuzz.ts (10^6 inputs).
import fc from 'fast-check';
import {
  attempt,
  expectResult,
  jsonEqual,
  mutated,
  mutatedJsonBytes,
  type FuzzTarget,
  type Mutated,
} from '../../../../tools/fuzz/fuzz-kit.js';
import {
  CANONICAL_FORMAT,
  checkRecord,
  DataError,
  FORMAT_FAMILY,
  STAGE_FAMILIES,
  toCanonical,
  type DataFamily,
  type DataFormat,
  type Stage,
} from '../index.js';

/** A generated record (`json`), the format it is written in and its canonical form. */
export interface GeneratedRecord {
  readonly json: Record<string, unknown>;
  readonly format: DataFormat;
  readonly canonical: Record<string, unknown>;
  /** Input keys with no place in the canonical record. */
  readonly dropped: readonly string[];
}

// Text with at least one non-blank character (blank answers are errors or warnings by design).
const text = fc
  .tuple(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom('a', '问', 'Q', '😀', '{x}', '"'))
  .map(([s, c]) => s + c);
const userRole = fc.constantFrom('human', 'user');
const answerRole = fc.constantFrom('gpt', 'assistant');
const tools = fc.option(
  fc.constantFrom('[]', '[{"name": "get_weather", "description": "d", "parameters": {}}]'),
  { nil: undefined },
);
// Keys no format reads: dropped on conversion.
const extra = fc.option(fc.record({ id: fc.nat() }), { nil: undefined });
const turn = (from: string, value: string) => ({ from, value });
const msg = (role: string, content: string) => ({ role, content });
const MESSAGE_ROLE: Record<string, string> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant' };
const SHAREGPT_ROLE: Record<string, string> = { user: 'human', assistant: 'gpt', system: 'system' };

/** Alternating question/answer turns, optionally after a system turn; `open` ends with a question. */
const dialog = (open: boolean) =>
  fc
    .record({
      system: fc.option(text, { nil: undefined }),
      pairs: fc.array(fc.tuple(userRole, text, answerRole, text), { minLength: open ? 0 : 1, maxLength: 3 }),
      last: fc.tuple(userRole, text),
    })
    .map(({ system, pairs, last }) => {
      const turns = system === undefined ? [] : [turn('system', system)];
      for (const [u, q, a, r] of pairs) turns.push(turn(u, q), turn(a, r));
      if (open) turns.push(turn(last[0], last[1]));
      return turns;
    });

const asMessages = (turns: readonly { from: string; value: string }[]) =>
  turns.map((t) => msg(t.from === 'system' ? 'system' : MESSAGE_ROLE[t.from]!, t.value));
// Canonical turns keep ShareGPT role names; messages map user -> human, assistant -> gpt.
const fromMessages = (turns: readonly { from: string; value: string }[]) =>
  asMessages(turns).map((m) => turn(SHAREGPT_ROLE[m.role]!, m.content));

function record(
  format: DataFormat,
  json: Record<string, unknown>,
  canonical: Record<string, unknown>,
  extraKeys?: Record<string, unknown>,
): GeneratedRecord {
  const clean = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    json: clean({ ...json, ...extraKeys }),
    format,
    canonical: clean(canonical),
    dropped: Object.keys(extraKeys ?? {}),
  };
}

const twoAnswers = fc.tuple(text, text).filter(([a, b]) => a !== b);

/** Generators of every format, by family, each with its canonical form. */
export const RECORDS: Readonly<Record<DataFamily, fc.Arbitrary<GeneratedRecord>>> = {
  conversation: fc.oneof(
    fc
      .record({ turns: dialog(false), tools, system_prompt: fc.option(text, { nil: undefined }), extra })
      .map(({ turns, tools, system_prompt, extra }) =>
        record(
          'sharegpt',
          { conversations: turns, tools, system_prompt },
          { conversations: turns, tools, system_prompt },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(false), extra })
      .map(({ turns, extra }) =>
        record('sharegpt-items', { items: turns }, { conversations: turns }, extra),
      ),
    fc
      .record({ turns: dialog(false), extra })
      .map(({ turns, extra }) =>
        record('messages', { messages: asMessages(turns) }, { conversations: fromMessages(turns) }, extra),
      ),
    fc
      .record({
        instruction: text,
        input: fc.option(fc.oneof(text, fc.constant('')), { nil: undefined }),
        output: text,
        system: fc.option(text, { nil: undefined }),
        history: fc.option(fc.array(fc.tuple(text, text), { maxLength: 2 }), { nil: undefined }),
        extra,
      })
      .map(({ instruction, input, output, system, history, extra }) => {
        const question = input !== undefined && input.trim() !== '' ? `${instruction}\n\n${input}` : instruction;
        const turns = [
          ...(system !== undefined ? [turn('system', system)] : []),
          ...(history ?? []).flatMap(([q, a]) => [turn('human', q), turn('gpt', a)]),
          turn('human', question),
          turn('gpt', output),
        ];
        return record('alpaca', { instruction, input, output, system, history }, { conversations: turns }, extra);
      }),
    fc
      .record({ input: text, output: text, extra })
      .map(({ input, output, extra }) =>
        record('qa', { input, output }, { conversations: [turn('human', input), turn('gpt', output)] }, extra),
      ),
  ),
  preference: fc.oneof(
    fc
      .record({ turns: dialog(true), answers: twoAnswers, tools, extra })
      .map(({ turns, answers: [chosen, rejected], tools, extra }) =>
        record(
          'preference',
          { conversations: turns, chosen, rejected, tools },
          { conversations: turns, chosen, rejected, tools },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(true), answers: twoAnswers, roles: fc.tuple(answerRole, answerRole), extra })
      .map(({ turns, answers: [chosen, rejected], roles, extra }) =>
        record(
          'sharegpt-preference',
          { conversations: turns, chosen: turn(roles[0], chosen), rejected: turn(roles[1], rejected) },
          { conversations: turns, chosen, rejected },
          extra,
        ),
      ),
    fc
      .record({ prompt: text, answers: twoAnswers, extra })
      .map(({ prompt, answers: [chosen, rejected], extra }) =>
        record(
          'prompt-preference',
          { prompt, chosen, rejected },
          { conversations: [turn('human', prompt)], chosen, rejected },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(true), answers: twoAnswers, extra })
      .map(({ turns, answers: [chosen, rejected], extra }) =>
        record(
          'messages-preference',
          {
            prompt: asMessages(turns),
            chosen: [msg('assistant', chosen)],
            rejected: [msg('assistant', rejected)],
          },
          { conversations: fromMessages(turns), chosen, rejected },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(true), answers: twoAnswers, extra })
      .map(({ turns, answers: [chosen, rejected], extra }) =>
        record(
          'implicit-preference',
          {
            chosen: [...asMessages(turns), msg('assistant', chosen)],
            rejected: [...asMessages(turns), msg('assistant', rejected)],
          },
          { conversations: fromMessages(turns), chosen, rejected },
          extra,
        ),
      ),
    fc
      .record({
        system: fc.option(text, { nil: undefined }),
        history: fc.option(fc.array(fc.tuple(text, text), { maxLength: 2 }), { nil: undefined }),
        question: text,
        answers: twoAnswers,
        extra,
      })
      .map(({ system, history, question, answers: [chosen, rejected], extra }) =>
        record(
          'preference-legacy',
          { system, history, question, response_chosen: chosen, response_rejected: rejected },
          {
            conversations: [
              ...(system !== undefined ? [turn('system', system)] : []),
              ...(history ?? []).flatMap(([q, a]) => [turn('human', q), turn('gpt', a)]),
              turn('human', question),
            ],
            chosen,
            rejected,
          },
          extra,
        ),
      ),
  ),
  unpaired: fc.oneof(
    fc
      .record({ turns: dialog(true), completion: text, label: fc.boolean(), tools, extra })
      .map(({ turns, completion, label, tools, extra }) =>
        record(
          'unpaired',
          { conversations: turns, completion, label, tools },
          { conversations: turns, completion, label, tools },
          extra,
        ),
      ),
    fc
      .record({ prompt: text, completion: text, label: fc.boolean(), extra })
      .map(({ prompt, completion, label, extra }) =>
        record(
          'prompt-unpaired',
          { prompt, completion, label },
          { conversations: [turn('human', prompt)], completion, label },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(true), completion: text, label: fc.boolean(), extra })
      .map(({ turns, completion, label, extra }) =>
        record(
          'messages-unpaired',
          { prompt: asMessages(turns), completion: [msg('assistant', completion)], label },
          { conversations: fromMessages(turns), completion, label },
          extra,
        ),
      ),
    fc
      .record({ turns: dialog(true), role: answerRole, completion: text, label: fc.boolean(), extra })
      .map(({ turns, role, completion, label, extra }) =>
        record(
          'kto-sharegpt',
          { conversations: [...turns, turn(role, completion)], kto_tag: label },
          { conversations: turns, completion, label },
          extra,
        ),
      ),
  ),
  grpo: fc
    .record({ question: text, answer: text, extra })
    .map(({ question, answer, extra }) => record('grpo', { question, answer }, { question, answer }, extra)),
  text: fc
    .record({ text: fc.string({ maxLength: 40, unit: 'binary' }), extra })
    .map(({ text, extra }) => record('text', { text }, { text }, extra)),
};

const source = { file: 'fuzz.jsonl', line: 3 };

/**
 * One JSONL line as scanRecords reads it for `stage`: JSON.parse (an invalid line is the reader's
 * issue, not this parser's input), then checkRecord with the stage's families, then toCanonical.
 * Valid records must come out as their canonical form; anything checkRecord accepts must convert
 * without an exception into a record that checks as its family's canonical format.
 */
export function checkLine(stage: Stage, input: Mutated<GeneratedRecord>): void {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(mutatedJsonBytes(input)).toString('utf8'));
  } catch {
    return;
  }
  const families = STAGE_FAMILIES[stage];
  // checkRecord reports problems as issues; it has no exception of its own.
  const check = attempt(() => checkRecord(value, source, { families }), (e) => e instanceof DataError);
  if (!check.ok) throw check.error;
  const { format, issues, ok } = check.value;
  for (const issue of issues) {
    expectResult(
      issue.file === source.file && issue.line === source.line && issue.message !== '',
      () => `issue without its place or message: ${JSON.stringify(issue)}`,
    );
  }
  if (input.kind === 'valid') {
    expectResult(
      ok && format === input.value.format,
      () => `valid ${input.value.format} record rejected as ${format}: ${JSON.stringify(issues)}`,
    );
  }
  if (!ok) return;
  expectResult(format !== undefined && families.includes(FORMAT_FAMILY[format]), () => `accepted as ${format}`);
  const converted = attempt(
    () => toCanonical(value as Record<string, unknown>, format!),
    () => false,
  );
  if (!converted.ok) throw converted.error;
  const canonicalFormat = CANONICAL_FORMAT[FORMAT_FAMILY[format!]];
  const recheck = checkRecord(converted.value.value, source, { format: canonicalFormat });
  expectResult(
    recheck.ok,
    () =>
      `${format} record converted to an invalid ${canonicalFormat} record: ${JSON.stringify(recheck.issues)}`,
  );
  if (input.kind === 'valid') {
    expectResult(
      jsonEqual(converted.value.value, input.value.canonical),
      () =>
        `${format}: canonical ${JSON.stringify(converted.value.value)}, expected ${JSON.stringify(input.value.canonical)}`,
    );
    expectResult(
      jsonEqual(converted.value.droppedKeys, input.value.dropped),
      () => `dropped ${converted.value.droppedKeys}, expected ${input.value.dropped}`,
    );
  }
}

/** The record parser of one stage: its family's formats (KTO: unpaired and paired rows). */
export function stageRecordTarget(stage: Stage): FuzzTarget<Mutated<GeneratedRecord>> {
  const families = STAGE_FAMILIES[stage];
  return {
    name: `data/records-${stage}`,
    arbitrary: mutated(fc.oneof(...families.map((f) => RECORDS[f]))),
    check: (input, guard) => guard(() => checkLine(stage, input)),
  };
}

/** One target per family of stages: pt (text), sft (conversations), dpo (preference), kto, grpo. */
export const RECORD_TARGETS = (['pt', 'sft', 'dpo', 'kto', 'grpo'] as const).map(stageRecordTarget);
