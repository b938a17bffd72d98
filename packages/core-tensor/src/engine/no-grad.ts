import { tf } from '../tf.js';
import { engineInternals } from './engine-internals.js';

/**
 * Runs `f` with gradient recording off (torch's `no_grad`): the ops it runs leave no tape nodes, so a
 * backward in progress neither differentiates through them nor keeps their saved tensors alive. What
 * `f` returns is a constant to any surrounding backward. For reference-model passes, detached
 * statistics and metrics.
 */
export function noGrad<T>(f: () => T): T {
  const state = engineInternals().state;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return f();
  } finally {
    state.gradientDepth = depth;
  }
}

/**
 * Whether ops run now are recorded for a backward (inside `recordTape`/`tf.grad`, outside `noGrad`):
 * inference-only fusions that would keep extra tensors alive for a backward check this.
 */
export function recordingGradients(): boolean {
  return engineInternals().state.gradientDepth !== 0;
}

/** `x` as a constant (torch's `detach`): a copy sharing its data, with no gradient path back to x. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return noGrad(() => tf.clone(x));
}
