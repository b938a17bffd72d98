import type { DataFormat } from './data-format.js';

/** A plain JSON object (not an array, not null). */
export function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The format a record is written in, from the fields it has (undefined when none fits). The most
 * specific layouts are tried first: a preference row also has `conversations`. Message lists (TRL's
 * conversational layouts) are told from plain strings by their JSON type.
 */
export function detectFormat(value: unknown): DataFormat | undefined {
  if (!isRecordObject(value)) return undefined;
  const has = (key: string) => Object.hasOwn(value, key);
  if (has('conversations')) return conversationsFormat(value);
  if (has('items')) return 'sharegpt-items';
  if (has('messages')) return 'messages';
  if (has('response_chosen') || has('response_rejected')) return 'preference-legacy';
  const preference = has('chosen') || has('rejected') ? promptPreferenceFormat(value) : undefined;
  if (preference) return preference;
  if (has('label') && (has('prompt') || has('completion'))) {
    return Array.isArray(value.prompt) || Array.isArray(value.completion)
      ? 'messages-unpaired'
      : 'prompt-unpaired';
  }
  if (has('instruction')) return 'alpaca';
  if (has('question') && has('answer')) return 'grpo';
  if (has('input') && has('output')) return 'qa';
  if (has('text')) return 'text';
  return undefined;
}

/** ShareGPT turns with answers as strings or turn objects, a KTO tag, a completion, or none (SFT). */
function conversationsFormat(value: Readonly<Record<string, unknown>>): DataFormat {
  const has = (key: string) => Object.hasOwn(value, key);
  if (has('chosen') || has('rejected')) {
    return isRecordObject(value.chosen) || isRecordObject(value.rejected)
      ? 'sharegpt-preference'
      : 'preference';
  }
  if (has('kto_tag')) return 'kto-sharegpt';
  // A boolean label marks a KTO row; any other `label` is an SFT row's extra column, as before.
  if (has('completion') || typeof value.label === 'boolean') return 'unpaired';
  return 'sharegpt';
}

/**
 * TRL's layouts, as its `maybe_extract_prompt` tells them apart: message-list answers with no prompt,
 * or with a prompt that is not a message list, hold the prompt implicitly (their shared first messages).
 */
function promptPreferenceFormat(value: Readonly<Record<string, unknown>>): DataFormat | undefined {
  const conversational = Array.isArray(value.chosen) || Array.isArray(value.rejected);
  if (Array.isArray(value.prompt)) return 'messages-preference';
  if (conversational) return 'implicit-preference';
  return Object.hasOwn(value, 'prompt') ? 'prompt-preference' : undefined;
}
