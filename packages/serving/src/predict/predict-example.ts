import type { DialogPair } from '@medgpt/templates';

/** One question to answer, and the conversation it continues. */
export interface PredictExample {
  /** The question; written back as the output's `Input`. */
  readonly input: string;
  /** Earlier exchanges of a multi-turn record. */
  readonly history: readonly DialogPair[];
  /** The record's own system prompt; else `--system_prompt`. */
  readonly system?: string;
}

/** A line that cannot be predicted: what is wrong, and in which field. */
export interface PredictLineError {
  readonly field?: string;
  readonly message: string;
  readonly expected?: string;
}

/** `field: message (expected ...)`, the tail of validate's `file:line: error: ...` lines. */
export function describePredictError(error: PredictLineError): string {
  const field = error.field ? `${error.field}: ` : '';
  return `${field}${error.message}${error.expected ? ` (expected ${error.expected})` : ''}`;
}
