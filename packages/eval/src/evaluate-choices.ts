import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { ChoiceQuestion } from './choice-question.js';
import { choicePrompt } from './choice-prompt.js';
import type { ChoiceRenderer } from './choice-renderer.js';
import { scoreNextTokens } from './score-choices.js';

export interface EvaluateChoicesOptions {
  model: CausalLM;
  tokenizer: Tokenizer;
  questions: readonly ChoiceQuestion[];
  /** Question text to prompt ids (choiceRenderer). */
  render: ChoiceRenderer;
  /** k: solved examples before each question (default 0: zero-shot). */
  shots?: number;
  /** Where the examples come from (C-Eval's dev split): the first k of the question's subject. Default: `questions`, never the question itself. */
  shotPool?: readonly ChoiceQuestion[];
  /** Questions per forward (default 8). */
  batchSize?: number;
  /** Prompts longer than this keep their last tokens (default: the model's max_position_embeddings). */
  maxLength?: number;
  onBatch?: (done: number, total: number) => void;
}

/** One question's outcome. */
export interface ChoicePrediction {
  source: string;
  subject: string;
  answer: string;
  predicted: string;
  /** Log-probability of each option letter, in option order. */
  logprobs: number[];
}

export interface SubjectAccuracy {
  correct: number;
  total: number;
  accuracy: number;
}

export interface ChoiceEvaluation {
  accuracy: number;
  correct: number;
  total: number;
  /** Per subject, sorted by name. */
  subjects: Record<string, SubjectAccuracy>;
  predictions: ChoicePrediction[];
  shots: number;
  questionsPerSecond: number;
}

/**
 * Multiple-choice accuracy as the C-Eval / CMMLU harnesses score it: the prompt (k solved examples of
 * the subject, then the question, its options and the answer cue) is rendered and each option letter is
 * scored by its log-probability as the next token; the highest is the model's answer. Letters that
 * tokenise to several tokens are scored by their first token. Batched; works on any backend.
 */
export function evaluateChoices(o: EvaluateChoicesOptions): ChoiceEvaluation {
  const started = performance.now();
  const k = o.shots ?? 0;
  const pool = o.shotPool ?? o.questions;
  const batchSize = Math.max(1, o.batchSize ?? 8);
  const maxLength = o.maxLength ?? o.model.config.maxPositionEmbeddings;
  const pad = o.tokenizer.padTokenId ?? o.tokenizer.eosTokenId ?? 0;
  const letterId = new Map<string, number>();
  const idOf = (letter: string) => {
    if (!letterId.has(letter)) {
      const ids = o.tokenizer.encode(letter, { addSpecialTokens: false });
      if (ids.length === 0) throw new Error(`evaluateChoices: the letter ${letter} encodes to no token`);
      letterId.set(letter, ids[0]!);
    }
    return letterId.get(letter)!;
  };
  const predictions: ChoicePrediction[] = [];
  for (let s = 0; s < o.questions.length; s += batchSize) {
    const batch = o.questions.slice(s, s + batchSize);
    const prompts = batch.map((q) => {
      const shots =
        k === 0
          ? []
          : pool.filter((p) => p.subject === q.subject && p !== q && p.source !== q.source).slice(0, k);
      const ids = o.render(choicePrompt(q, shots));
      return ids.length > maxLength ? ids.slice(ids.length - maxLength) : ids;
    });
    const scores = scoreNextTokens(
      o.model,
      prompts,
      batch.map((q) => q.options.map((opt) => idOf(opt.letter))),
      pad,
    );
    batch.forEach((q, i) => {
      const lp = scores[i]!;
      const best = lp.indexOf(Math.max(...lp));
      predictions.push({
        source: q.source,
        subject: q.subject,
        answer: q.answer,
        predicted: q.options[best]!.letter,
        logprobs: lp,
      });
    });
    o.onBatch?.(Math.min(s + batchSize, o.questions.length), o.questions.length);
  }
  const subjects: Record<string, SubjectAccuracy> = {};
  for (const p of predictions) {
    const a = (subjects[p.subject] ??= { correct: 0, total: 0, accuracy: 0 });
    a.total += 1;
    if (p.predicted === p.answer) a.correct += 1;
  }
  for (const a of Object.values(subjects)) a.accuracy = a.correct / a.total;
  const correct = predictions.filter((p) => p.predicted === p.answer).length;
  const seconds = (performance.now() - started) / 1000;
  return {
    accuracy: predictions.length === 0 ? 0 : correct / predictions.length,
    correct,
    total: predictions.length,
    subjects: Object.fromEntries(Object.entries(subjects).sort(([a], [b]) => a.localeCompare(b))),
    predictions,
    shots: k,
    questionsPerSecond: seconds > 0 ? predictions.length / seconds : 0,
  };
}
