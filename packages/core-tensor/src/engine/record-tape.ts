import { tf } from '../tf.js';
import { engineInternals, type TapeNode } from './engine-internals.js';
import { withSavedTensorAliasing } from './saved-tensor-aliasing.js';

/** A forward pass recorded for backprop: its result and the ops that made it, in execution order. */
export interface RecordedTape<T extends tf.Tensor = tf.Tensor> {
  value: T;
  /** tfjs tape nodes; each node's `saved` tensors are held until backprop (or disposeTape) frees them. */
  tape: TapeNode[];
}

/**
 * Runs `f` inside a tidy with tfjs's tape on, on a tape of its own: an outer tape (a tfjs backward in
 * progress, or one of ours that is walking its tape) is set aside and put back. Tensors the gradients
 * save are aliases, not Identity copies (saved-tensor-aliasing.ts). Only first-order gradients: calling
 * it while tfjs records a tape (inside tf.grads' function) throws.
 */
export function recordTape<T extends tf.Tensor>(f: () => T): RecordedTape<T> {
  const state = engineInternals().state;
  if (state.gradientDepth !== 0) {
    throw new Error(
      'recordTape: called while tfjs records gradients (inside tf.grads or tf.variableGrads): ' +
        'higher-order gradients are not supported by the backward driver',
    );
  }
  const outer = state.activeTape;
  const tape: TapeNode[] = [];
  state.activeTape = tape;
  state.gradientDepth = 1;
  try {
    const value = withSavedTensorAliasing(() => tf.tidy(f));
    if (!(value instanceof tf.Tensor)) throw new TypeError('recordTape: f must return one tensor');
    return { value, tape };
  } catch (e) {
    disposeTape(tape);
    throw e;
  } finally {
    state.gradientDepth = 0;
    state.activeTape = outer;
  }
}

/** Frees every tensor the nodes of `tape` saved (a recorded forward that will not be differentiated). */
export function disposeTape(tape: TapeNode[]): void {
  for (const node of tape) if (node.saved) tf.dispose(node.saved);
}
