import { tf } from '@medgpt/core-tensor';

/** What timing a training step gave: every loss, each warm-up and timed step's ms, tensors leaked. */
export interface TimedSteps {
  /** Warm-up steps then timed steps. */
  losses: number[];
  warmMs: number[];
  stepMs: number[];
  /** Tensors alive after the timed steps that were not after the warm-up. */
  leaked: number;
}

/**
 * Runs `step` `warmup` times, then times up to `steps` more, fewer when the warm-up says they would
 * not fit `budgetMs` (at least 1). `step` must finish its device work before it returns (it reads its
 * loss, or syncs). The leak count starts after the warm-up, which makes the optimizer state.
 */
export function timeSteps(
  step: () => number,
  o: { warmup: number; steps: number; budgetMs: number },
): TimedSteps {
  const losses: number[] = [];
  const timedRun = (into: number[]) => {
    const started = performance.now();
    losses.push(step());
    into.push(performance.now() - started);
  };
  const warmMs: number[] = [];
  for (let i = 0; i < o.warmup; i++) timedRun(warmMs);
  const last = warmMs[warmMs.length - 1] ?? 0;
  const spent = warmMs.reduce((a, b) => a + b, 0);
  const timed = Math.max(1, Math.min(o.steps, Math.floor((o.budgetMs - spent) / Math.max(last, 1))));
  const stepMs: number[] = [];
  const numTensors = tf.memory().numTensors;
  for (let i = 0; i < timed; i++) timedRun(stepMs);
  return { losses, warmMs, stepMs, leaked: tf.memory().numTensors - numTensors };
}
