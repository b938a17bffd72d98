import type { SftTurn } from './sft-turns.js';

/** What SFT tokenisation needs from a tokenizer; wrap any tokenizer to fit. */
export interface SftTokenizer {
  /** Token ids of `text`. `addSpecialTokens` is HF's add_special_tokens (a BOS for Llama). */
  encode(text: string, options: { addSpecialTokens: boolean }): readonly number[];
  /** Appended after every answer; the token the model learns to stop with. */
  readonly eosTokenId: number;
}

export interface SftTokenizeOptions {
  /** MedicalGPT's `--model_max_length` (default 512): the cap on a row's tokens. */
  readonly modelMaxLength?: number;
  /** MedicalGPT's `--train_on_inputs` (default false): also train on prompt tokens. */
  readonly trainOnInputs?: boolean;
  /** Label of masked tokens: -100, or the pad id to mimic `--ignore_pad_token_for_loss False`. */
  readonly ignoreIndex?: number;
}

/** One tokenised SFT row. `labels` holds `ignoreIndex` wherever no loss is taken. */
export interface SftExample {
  readonly inputIds: number[];
  readonly labels: number[];
  readonly attentionMask: number[];
  /** Turns that fit; later turns are dropped whole. */
  readonly turnsKept: number;
}

export const IGNORE_INDEX = -100;

/**
 * MedicalGPT's SFT tokenisation (supervised_finetuning.py, preprocess_function): per turn,
 * encode the prompt (special tokens on the first only) and the answer; cap each at its share of
 * `modelMaxLength`, keeping one slot for EOS; drop a leading EOS from the prompt and a trailing
 * one from the answer; stop at the first turn that no longer fits; append `prompt + answer + EOS`
 * and mask the prompt. Python slice semantics are kept: an answer whose share rounds to 0 is cut
 * by `[:-1]`, i.e. loses only its last token.
 */
export function tokenizeSftTurns(
  turns: readonly SftTurn[],
  tokenizer: SftTokenizer,
  options: SftTokenizeOptions = {},
): SftExample {
  const maxLength = options.modelMaxLength ?? 512;
  const ignore = options.ignoreIndex ?? IGNORE_INDEX;
  const eos = tokenizer.eosTokenId;
  const inputIds: number[] = [];
  const labels: number[] = [];
  let turnsKept = 0;
  for (const [i, turn] of turns.entries()) {
    let source = [...tokenizer.encode(turn.prompt, { addSpecialTokens: i === 0 })];
    let target = [...tokenizer.encode(turn.answer, { addSpecialTokens: false })];
    const total = source.length + target.length;
    // Python raises ZeroDivisionError on an empty turn; treating both shares as 0 keeps the EOS.
    const maxSource = total === 0 ? 0 : Math.trunc(maxLength * (source.length / total));
    const maxTarget = total === 0 ? 0 : Math.trunc(maxLength * (target.length / total));
    if (source.length > maxSource) source = source.slice(0, maxSource);
    if (target.length > maxTarget - 1) target = pythonHead(target, maxTarget - 1);
    if (source.length > 0 && source[0] === eos) source = source.slice(1);
    if (target.length > 0 && target[target.length - 1] === eos) target = target.slice(0, -1);
    if (inputIds.length + source.length + target.length + 1 > maxLength) break;
    inputIds.push(...source, ...target, eos);
    labels.push(...(options.trainOnInputs ? source : source.map(() => ignore)), ...target, eos);
    turnsKept += 1;
  }
  return { inputIds, labels, attentionMask: inputIds.map(() => 1), turnsKept };
}

/** Python's `xs[:end]`, where a negative end counts from the back. */
function pythonHead<T>(xs: readonly T[], end: number): T[] {
  return xs.slice(0, end < 0 ? Math.max(0, xs.length + end) : end);
}

/** MedicalGPT drops rows whose labels are all ignored (filter_empty_labels). */
export function hasTrainableLabels(labels: readonly number[], ignoreIndex = IGNORE_INDEX): boolean {
  return labels.some((label) => label !== ignoreIndex);
}
