import type { ShareGptConversation } from './sharegpt-pairs.js';
import { sftTurns, type SftFormatOptions, type SftTurn } from './sft-turns.js';
import {
  hasTrainableLabels,
  IGNORE_INDEX,
  tokenizeSftTurns,
  type SftExample,
  type SftTokenizeOptions,
  type SftTokenizer,
} from './tokenize-sft-turns.js';

export interface BuildSftExampleOptions extends SftFormatOptions, SftTokenizeOptions {
  readonly tokenizer: SftTokenizer;
}

/** A row MedicalGPT keeps, or why it drops it. */
export type SftExampleResult =
  | { readonly ok: true; readonly example: SftExample; readonly turns: SftTurn[] }
  | { readonly ok: false; readonly reason: 'no-pairs' | 'no-trainable-labels'; readonly turns: SftTurn[] };

/**
 * One ShareGPT row through MedicalGPT's whole SFT preprocessing: pairing, template, tokenisation,
 * masking, truncation and the empty-label filter. Data and trainer code need nothing else.
 */
export function buildSftExample(
  row: ShareGptConversation,
  options: BuildSftExampleOptions,
): SftExampleResult {
  const turns = sftTurns(row, options);
  if (turns.length === 0) return { ok: false, reason: 'no-pairs', turns };
  const example = tokenizeSftTurns(turns, options.tokenizer, options);
  if (!hasTrainableLabels(example.labels, options.ignoreIndex ?? IGNORE_INDEX)) {
    return { ok: false, reason: 'no-trainable-labels', turns };
  }
  return { ok: true, example, turns };
}
