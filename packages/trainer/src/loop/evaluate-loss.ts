import type { Generator } from '@medgpt/core-tensor';
import type { TrainingTask } from '../training-task.js';

/** The evaluation metrics HF reports, plus MedicalGPT's perplexity. */
export interface EvalMetrics {
  eval_loss: number;
  /** exp(eval_loss), as MedicalGPT computes it (Infinity on overflow). */
  eval_perplexity: number;
  eval_runtime: number;
  eval_samples_per_second: number;
  eval_steps_per_second: number;
  [metric: string]: number;
}

/**
 * transformers' evaluation loop: each batch's loss is the mean over its counted items (tokens for a
 * causal LM, pairs for preference losses), and eval_loss is the mean of those losses weighted by the
 * batch's number of rows (HF repeats each batch loss batch_size times before averaging). Examples are
 * taken in order. The task's own metrics follow with an `eval_` prefix (eval_rewards/accuracies ...).
 */
export function evaluateLoss<E, B>(
  task: TrainingTask<E, B>,
  examples: readonly E[],
  batchSize: number,
  generator: Generator,
): EvalMetrics {
  if (examples.length === 0) throw new Error('evaluate: the evaluation dataset is empty');
  const started = performance.now();
  task.takeMetrics?.('eval'); // nothing from an earlier evaluation leaks into this one
  let weighted = 0;
  let batches = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const rows = examples.slice(i, i + batchSize);
    const loss = task.loss(task.collate(rows), 'mean', { training: false, generator });
    weighted += loss.dataSync()[0]! * rows.length;
    loss.dispose();
    batches += 1;
  }
  const evalLoss = weighted / examples.length;
  const own = Object.entries(task.takeMetrics?.('eval') ?? {}).map(([k, v]) => [`eval_${k}`, v]);
  const runtime = (performance.now() - started) / 1000;
  return {
    eval_loss: evalLoss,
    ...Object.fromEntries(own),
    eval_perplexity: Math.exp(evalLoss),
    eval_runtime: round4(runtime),
    eval_samples_per_second: round3(examples.length / runtime),
    eval_steps_per_second: round3(batches / runtime),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
