import type { DataTokenizer } from './data-tokenizer.js';

/** A prompt and its answers as TRL tokenises string data. */
export interface TokenizedAnswers {
  readonly promptIds: number[];
  /** Each answer with the EOS text appended, and its ids. */
  readonly answers: { readonly text: string; readonly ids: number[] }[];
  /** False when `tokenize(prompt)` is not a prefix of some `tokenize(prompt + answer)` (TRL warns then). */
  readonly promptIsPrefix: boolean;
}

/**
 * TRL's tokenisation of string prompt/answer data (DPOTrainer 0.29, KTOTrainer on main): the EOS text
 * is appended to each answer that does not end with it, `ids(prompt)` and `ids(prompt + answer)` are
 * taken with special tokens, and the answer's ids are the tail after as many ids as the prompt has.
 */
export function tokenizeAnswers(
  prompt: string,
  answers: readonly string[],
  tokenizer: DataTokenizer,
): TokenizedAnswers {
  const eos = tokenizer.eosToken;
  if (eos === undefined)
    throw new Error('preference data needs tokenizer.eosToken (TRL appends its text to each answer)');
  const promptIds = [...tokenizer.encode(prompt, { addSpecialTokens: true })];
  let promptIsPrefix = true;
  const tokenized = answers.map((answer) => {
    const text = answer.endsWith(eos) ? answer : answer + eos;
    const ids = tokenizer.encode(prompt + text, { addSpecialTokens: true });
    if (!promptIds.every((id, i) => ids[i] === id)) promptIsPrefix = false;
    return { text, ids: [...ids].slice(promptIds.length) };
  });
  return { promptIds, answers: tokenized, promptIsPrefix };
}
