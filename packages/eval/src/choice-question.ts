/** One multiple-choice question (CMMLU / C-Eval / MedQA style). */
export interface ChoiceQuestion {
  readonly question: string;
  /** Option texts by letter, in order (A, B, C, D ...). */
  readonly options: readonly { readonly letter: string; readonly text: string }[];
  /** The correct letter. */
  readonly answer: string;
  /** The subject it belongs to (its file's name for C-Eval / CMMLU, or a `subject` field). */
  readonly subject: string;
  /** Where it was read: `file:line`. */
  readonly source: string;
}
