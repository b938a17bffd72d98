import type { EvalMetrics } from '@medgpt/trainer';

/** The final evaluation's log line for the preference trainers: loss, accuracy, margin. */
export function describePreferenceEval(m: EvalMetrics): string {
  const parts = [`loss ${m.eval_loss.toFixed(4)}`];
  const accuracy = m['eval_rewards/accuracies'];
  const margin = m['eval_rewards/margins'];
  if (accuracy !== undefined) parts.push(`rewards/accuracies ${accuracy.toFixed(3)}`);
  if (margin !== undefined) parts.push(`rewards/margins ${margin.toFixed(4)}`);
  return parts.join(', ');
}
