// @medgpt/eval: evaluation of models: multiple-choice accuracy (CMMLU / C-Eval / MedQA style).

export type { ChoiceQuestion } from './choice-question.js';
export { readChoiceQuestions } from './read-choice-questions.js';
export { parseCsv } from './parse-csv.js';
export { choicePrompt, questionBlock } from './choice-prompt.js';
export { choiceRenderer, type ChoiceRenderer } from './choice-renderer.js';
export { scoreNextTokens } from './score-choices.js';
export {
  evaluateChoices,
  type ChoiceEvaluation,
  type ChoicePrediction,
  type EvaluateChoicesOptions,
  type SubjectAccuracy,
} from './evaluate-choices.js';
