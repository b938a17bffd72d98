import type { ShareGptConversation } from '@medgpt/templates';

/** Every record layout the readers recognise (field names exactly as MedicalGPT and its sources write them). */
export type DataFormat =
  /** `{conversations: [{from, value}], tools?, system_prompt?}`: MedicalGPT's SFT format. */
  | 'sharegpt'
  /** `{conversations, chosen, rejected, tools?}`: MedicalGPT's RM/DPO/ORPO format. */
  | 'preference'
  /** `{conversations, chosen: {from, value}, rejected: {from, value}}`: LLaMA-Factory's ShareGPT ranking layout. */
  | 'sharegpt-preference'
  /** `{prompt, chosen, rejected}`: TRL's plain preference format. */
  | 'prompt-preference'
  /** `{prompt: [messages], chosen: [message], rejected: [message]}`: TRL's conversational preference format. */
  | 'messages-preference'
  /** `{chosen: [messages], rejected: [messages]}`: TRL's implicit prompt (the shared leading messages). */
  | 'implicit-preference'
  /** `{system?, history?, question, response_chosen, response_rejected}`: MedicalGPT's pre-2026 preference format. */
  | 'preference-legacy'
  /** `{conversations, completion, label, tools?}`: one answer marked desirable or not (KTO), canonical. */
  | 'unpaired'
  /** `{prompt, completion, label}`: TRL's unpaired preference format. */
  | 'prompt-unpaired'
  /** `{prompt: [messages], completion: [message], label}`: TRL's conversational unpaired format. */
  | 'messages-unpaired'
  /** `{conversations, kto_tag}`: LLaMA-Factory's KTO layout; the last turn is the completion. */
  | 'kto-sharegpt'
  /** `{instruction, input?, output, history?, system?}`: Alpaca (history/system as in LLaMA-Factory). */
  | 'alpaca'
  /** `{input, output}`: convert_dataset.py's `qa`. */
  | 'qa'
  /** `{items: [{from, value}]}`: ShareGPT under convert_dataset.py's old column name. */
  | 'sharegpt-items'
  /** `{messages: [{role, content}]}`: OpenAI-style messages (MedicalGPT's OPD accepts them). */
  | 'messages'
  /** `{question, answer}`: MedicalGPT's GRPO format. */
  | 'grpo'
  /** `{text}` or a line of a `.txt` file: pretraining text. */
  | 'text';

/** Formats that hold the same kind of data; each family has one canonical format the trainers read. */
export type DataFamily = 'conversation' | 'preference' | 'unpaired' | 'grpo' | 'text';

export const FORMAT_FAMILY: Readonly<Record<DataFormat, DataFamily>> = {
  sharegpt: 'conversation',
  alpaca: 'conversation',
  qa: 'conversation',
  'sharegpt-items': 'conversation',
  messages: 'conversation',
  preference: 'preference',
  'prompt-preference': 'preference',
  'preference-legacy': 'preference',
  'sharegpt-preference': 'preference',
  'messages-preference': 'preference',
  'implicit-preference': 'preference',
  unpaired: 'unpaired',
  'prompt-unpaired': 'unpaired',
  'messages-unpaired': 'unpaired',
  'kto-sharegpt': 'unpaired',
  grpo: 'grpo',
  text: 'text',
};

export const DATA_FORMATS = Object.keys(FORMAT_FAMILY) as DataFormat[];

/** The format each family is converted to: what MedicalGPT's trainers read. */
export const CANONICAL_FORMAT: Readonly<Record<DataFamily, DataFormat>> = {
  conversation: 'sharegpt',
  preference: 'preference',
  unpaired: 'unpaired',
  grpo: 'grpo',
  text: 'text',
};

/**
 * The fields that identify a format, for messages: names separated by `/`, each optionally followed by
 * its shape after a space (`chosen {from, value}`, `prompt [messages]`).
 */
export const FORMAT_FIELDS: Readonly<Record<DataFormat, string>> = {
  sharegpt: 'conversations',
  preference: 'conversations/chosen/rejected',
  'sharegpt-preference': 'conversations/chosen {from, value}/rejected {from, value}',
  'prompt-preference': 'prompt/chosen/rejected',
  'messages-preference': 'prompt [messages]/chosen [message]/rejected [message]',
  'implicit-preference': 'chosen [messages]/rejected [messages]',
  'preference-legacy': 'question/response_chosen/response_rejected',
  unpaired: 'conversations/completion/label',
  'prompt-unpaired': 'prompt/completion/label',
  'messages-unpaired': 'prompt [messages]/completion [message]/label',
  'kto-sharegpt': 'conversations/kto_tag',
  alpaca: 'instruction/input/output',
  qa: 'input/output',
  'sharegpt-items': 'items',
  messages: 'messages',
  grpo: 'question/answer',
  text: 'text',
};

/** A preference row in MedicalGPT's format: the context conversation and the two final answers. */
export interface PreferenceConversation extends ShareGptConversation {
  readonly chosen: string;
  readonly rejected: string;
}

/**
 * An unpaired (KTO) row: the context conversation (ending with the question), one answer, and whether
 * that answer is desirable (`label: true`) or not.
 */
export interface UnpairedRecord extends ShareGptConversation {
  readonly completion: string;
  readonly label: boolean;
}

/** A GRPO row: the question and its gold answer (GSM8K `... #### 42` or LaTeX). */
export interface GrpoRecord {
  readonly question: string;
  readonly answer: string;
}

/** A pretraining document. */
export interface TextRecord {
  readonly text: string;
}

/** The canonical record type of each family. */
export interface FamilyRecord {
  conversation: ShareGptConversation;
  preference: PreferenceConversation;
  unpaired: UnpairedRecord;
  grpo: GrpoRecord;
  text: TextRecord;
}

/** `describeFormat('alpaca')` -> `alpaca (instruction/input/output)`. */
export function describeFormat(format: DataFormat): string {
  return `${format} (${FORMAT_FIELDS[format]})`;
}

export function isDataFormat(name: string): name is DataFormat {
  return Object.hasOwn(FORMAT_FAMILY, name);
}
