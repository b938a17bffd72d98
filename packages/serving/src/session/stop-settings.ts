import type { Tokenizer } from '@medgpt/tokenizer';

/** What ends an answer, besides the model's generation_config.json eos ids (generate adds those). */
export interface StopSettings {
  /** inference.py's `stop_str`: the text output is cut before it. */
  readonly stopStrings: string[];
  /** Ids that end a row: the tokenizer's eos, and the stop string when it is one token. */
  readonly stopTokenIds: number[];
}

export interface StopSettingsInput {
  /** `--stop_str` ('' or undefined: not given). */
  readonly stopStr?: string;
  /** The named template's stop_str, when `--template_name` is given. */
  readonly templateStopStr?: string;
  readonly tokenizer: Tokenizer;
  /** Rows of the model's embedding: ids at or past it can never be generated. */
  readonly vocabSize: number;
}

/**
 * inference.py's rule, `stop_str = args.stop_str or "</s>"`, with the template's stop_str in between
 * (as the template-aware MedicalGPT demos do). inference.py decodes with skip_special_tokens, so a
 * stop string that is a special token (`<|im_end|>`) never shows in the text: it is matched by id.
 */
export function resolveStopSettings(input: StopSettingsInput): StopSettings {
  const stopStr = input.stopStr || input.templateStopStr || '</s>';
  const ids = new Set<number>();
  const tok = input.tokenizer;
  const single = tok.tokenToId(stopStr);
  if (single !== undefined && tok.encode(stopStr, { addSpecialTokens: false }).length === 1) ids.add(single);
  if (tok.eosTokenId !== null) ids.add(tok.eosTokenId);
  return {
    stopStrings: [stopStr],
    stopTokenIds: [...ids].filter((id) => id < input.vocabSize),
  };
}
