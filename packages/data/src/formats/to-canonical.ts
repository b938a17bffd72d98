import type { ShareGptTurn } from '@medgpt/templates';
import { CANONICAL_FORMAT, FORMAT_FAMILY, type DataFormat, type FamilyRecord } from './data-format.js';
import { sharedPromptLength } from './shared-prompt-length.js';
import { MESSAGE_ROLE_TO_SHAREGPT } from './validate-messages.js';

/** A record in its family's canonical format, and the input fields that had no place in it. */
export interface CanonicalRecord {
  readonly value: FamilyRecord[keyof FamilyRecord];
  readonly droppedKeys: string[];
}

type Row = Readonly<Record<string, unknown>>;

/** Fields each canonical format keeps (what MedicalGPT's trainers read). */
const KEPT: Readonly<Record<string, readonly string[]>> = {
  sharegpt: ['conversations', 'tools', 'system_prompt'],
  preference: ['conversations', 'chosen', 'rejected', 'tools'],
  unpaired: ['conversations', 'completion', 'label', 'tools'],
  grpo: ['question', 'answer'],
  text: ['text'],
};

/** Fields each input format consumes. */
const CONSUMED: Readonly<Record<DataFormat, readonly string[]>> = {
  sharegpt: KEPT.sharegpt!,
  preference: KEPT.preference!,
  unpaired: KEPT.unpaired!,
  grpo: KEPT.grpo!,
  text: KEPT.text!,
  alpaca: ['instruction', 'input', 'output', 'history', 'system'],
  qa: ['input', 'output'],
  'sharegpt-items': ['items', 'tools', 'system_prompt'],
  messages: ['messages', 'tools'],
  'prompt-preference': ['prompt', 'chosen', 'rejected'],
  'preference-legacy': ['system', 'history', 'question', 'response_chosen', 'response_rejected'],
  'sharegpt-preference': KEPT.preference!,
  'messages-preference': ['prompt', 'chosen', 'rejected', 'tools'],
  // A string `prompt` beside message lists is replaced by the shared messages, as TRL does.
  'implicit-preference': ['chosen', 'rejected', 'tools'],
  'prompt-unpaired': ['prompt', 'completion', 'label'],
  'messages-unpaired': ['prompt', 'completion', 'label', 'tools'],
  'kto-sharegpt': ['conversations', 'kto_tag', 'tools'],
};

/**
 * Converts a valid record (see checkRecord) to its family's canonical format, as MedicalGPT's
 * tools/convert_dataset.py does: Alpaca's question is `instruction + "\n\n" + input` when the input
 * is not blank; QA is one exchange; `items` is renamed `conversations`. Alpaca/legacy `history` and
 * `system` become leading turns (convert_dataset.py ignores them). TRL's message lists become ShareGPT
 * turns; answers written as a turn or a one-message list become their text.
 */
export function toCanonical(value: Row, format: DataFormat): CanonicalRecord {
  const droppedKeys = Object.keys(value).filter((key) => !CONSUMED[format].includes(key));
  return { value: convert(value, format), droppedKeys };
}

/** The canonical format of a format's family (`alpaca` -> `sharegpt`). */
export function canonicalFormatOf(format: DataFormat): DataFormat {
  return CANONICAL_FORMAT[FORMAT_FAMILY[format]];
}

function convert(row: Row, format: DataFormat): CanonicalRecord['value'] {
  switch (format) {
    case 'sharegpt':
    case 'preference':
    case 'unpaired':
    case 'grpo':
    case 'text':
      return pick(row, KEPT[format]!) as unknown as CanonicalRecord['value'];
    case 'sharegpt-items':
      return { ...pick(row, ['tools', 'system_prompt']), conversations: row.items as ShareGptTurn[] };
    case 'messages':
      return { ...pick(row, ['tools']), conversations: messagesToTurns(row.messages as Row[]) };
    case 'alpaca':
      return { conversations: alpacaTurns(row) };
    case 'qa':
      return { conversations: exchange(row.input as string, row.output as string) };
    case 'prompt-preference':
      return {
        conversations: [{ from: 'human', value: row.prompt as string }],
        chosen: row.chosen as string,
        rejected: row.rejected as string,
      };
    case 'preference-legacy':
      return {
        conversations: [
          ...leadingTurns(row.system, row.history),
          { from: 'human', value: row.question as string },
        ],
        chosen: row.response_chosen as string,
        rejected: row.response_rejected as string,
      };
    case 'sharegpt-preference':
      // The answers' text only: a function_call answer stays its raw {"name", "arguments"} JSON, and
      // DPO trains on that text as written (it is not rendered for --tool_format as context turns are).
      return {
        ...pick(row, ['conversations', 'tools']),
        chosen: (row.chosen as ShareGptTurn).value,
        rejected: (row.rejected as ShareGptTurn).value,
      } as CanonicalRecord['value'];
    case 'messages-preference':
      return {
        ...pick(row, ['tools']),
        conversations: messagesToTurns(row.prompt as Row[]),
        chosen: onlyContent(row.chosen),
        rejected: onlyContent(row.rejected),
      };
    case 'implicit-preference':
      return implicitPreference(row);
    case 'prompt-unpaired':
      return {
        conversations: [{ from: 'human', value: row.prompt as string }],
        completion: row.completion as string,
        label: row.label as boolean,
      };
    case 'messages-unpaired':
      return {
        ...pick(row, ['tools']),
        conversations: messagesToTurns(row.prompt as Row[]),
        completion: onlyContent(row.completion),
        label: row.label as boolean,
      };
    case 'kto-sharegpt':
      return ktoConversation(row);
  }
}

/** TRL's implicit prompt: the shared leading messages; each side's last message is its answer. */
function implicitPreference(row: Row): CanonicalRecord['value'] {
  const chosen = row.chosen as Row[];
  const rejected = row.rejected as Row[];
  const shared = sharedPromptLength(chosen, rejected);
  return {
    ...pick(row, ['tools']),
    conversations: messagesToTurns(chosen.slice(0, shared)),
    chosen: chosen[shared]!.content as string,
    rejected: rejected[shared]!.content as string,
  };
}

/** LLaMA-Factory's KTO row: the last turn is the completion (its raw value), `kto_tag` the label. */
function ktoConversation(row: Row): CanonicalRecord['value'] {
  const turns = row.conversations as ShareGptTurn[];
  return {
    ...pick(row, ['tools']),
    conversations: turns.slice(0, -1),
    completion: turns[turns.length - 1]!.value,
    label: row.kto_tag as boolean,
  };
}

/** The text of a one-message answer list (`[{"role": "assistant", "content": ...}]`). */
function onlyContent(messages: unknown): string {
  return (messages as Row[])[0]!.content as string;
}

function alpacaTurns(row: Row): ShareGptTurn[] {
  const instruction = row.instruction as string;
  const input = typeof row.input === 'string' ? row.input : '';
  const question = input.trim().length > 0 ? `${instruction}\n\n${input}` : instruction;
  return [...leadingTurns(row.system, row.history), ...exchange(question, row.output as string)];
}

function leadingTurns(system: unknown, history: unknown): ShareGptTurn[] {
  const turns: ShareGptTurn[] = [];
  if (typeof system === 'string' && system !== '') turns.push({ from: 'system', value: system });
  for (const [q, a] of (history as [string, string][] | null | undefined) ?? [])
    turns.push(...exchange(q, a));
  return turns;
}

function exchange(question: string, answer: string): ShareGptTurn[] {
  return [
    { from: 'human', value: question },
    { from: 'gpt', value: answer },
  ];
}

function messagesToTurns(messages: readonly Row[]): ShareGptTurn[] {
  return messages.map((m) => ({
    from: MESSAGE_ROLE_TO_SHAREGPT[m.role as string]!,
    value: m.content as string,
  }));
}

function pick(row: Row, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (row[key] !== undefined) out[key] = row[key];
  return out;
}
