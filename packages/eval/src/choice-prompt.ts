import type { ChoiceQuestion } from './choice-question.js';

/** One question as C-Eval's prompts write it: the stem, one option per line, then the answer cue. */
export function questionBlock(q: ChoiceQuestion, withAnswer: boolean): string {
  const options = q.options.map((o) => `${o.letter}. ${o.text}`).join('\n');
  return `${q.question}\n${options}\n答案：${withAnswer ? q.answer : ''}`;
}

/**
 * The user text for `q` with `shots` solved examples before it (k-shot): C-Eval's zero-/few-shot format,
 * a one-line instruction naming the subject, then the examples each followed by its answer letter.
 */
export function choicePrompt(q: ChoiceQuestion, shots: readonly ChoiceQuestion[] = []): string {
  const head = `以下是关于${q.subject}的单项选择题，请直接给出正确答案的选项。\n\n`;
  const examples = shots.map((s) => `${questionBlock(s, true)}\n\n`).join('');
  return head + examples + questionBlock(q, false);
}
