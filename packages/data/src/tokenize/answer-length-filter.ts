/** `--max_source_length` and `--max_target_length`, whose sum is TRL's max_length in MedicalGPT. */
export interface AnswerLengthOptions {
  /** Default 2048. */
  readonly maxSourceLength?: number;
  /** Default 512. */
  readonly maxTargetLength?: number;
}

/** max_source_length + max_target_length (defaults 2048 + 512). */
export function answerMaxLength(options: AnswerLengthOptions): number {
  return (options.maxSourceLength ?? 2048) + (options.maxTargetLength ?? 512);
}

/**
 * MedicalGPT's pre-filter of preference rows (dpo_training.py, orpo_training.py): prompt + answer must
 * be 1..max_length **characters** for every answer; returns why a row fails, if it does.
 */
export function answerLengthFilter(
  prompt: string,
  answers: readonly string[],
  options: AnswerLengthOptions,
): 'empty' | 'too-long' | undefined {
  const maxLength = answerMaxLength(options);
  for (const answer of answers) {
    const chars = codePoints(prompt + answer);
    if (chars === 0) return 'empty';
    if (chars > maxLength) return 'too-long';
  }
  return undefined;
}

/** Python's `len(str)`: code points, not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n += 1;
  }
  return n;
}
