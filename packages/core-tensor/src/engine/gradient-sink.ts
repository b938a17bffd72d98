// How a gradient computed off the tape reaches the backward pass that wants it. A checkpointed block
// (train/checkpoint.ts) recomputes its forward during backward; the weights it reads through closures
// (LoRA adapters inside a linear hook, a model's own weights) are not inputs of its tape node, so their
// gradients are handed to the running backward pass here instead of being returned through the node.
import { tf } from '../tf.js';

export interface GradientSink {
  /** Whether this backward pass (or one it runs inside) differentiates with respect to `t`. */
  wants(t: tf.Tensor): boolean;
  /** Adds `grad` to the gradient of `t`, taking ownership of `grad`. */
  accumulate(t: tf.Tensor, grad: tf.Tensor): void;
  /**
   * False when the outermost backward pass is tfjs's own (tf.grads, tf.variableGrads): it has no sink,
   * so gradients of tensors a block read through closures would be lost.
   */
  readonly acceptsHidden: boolean;
}

const sinks: GradientSink[] = [];

/** The innermost running backward pass of the driver; null outside one. */
export function currentGradientSink(): GradientSink | null {
  return sinks.length === 0 ? null : sinks[sinks.length - 1]!;
}

/**
 * Whether the running backward wants the gradient of `x`, an input of the op whose gradient is being
 * computed. Ask with the op's own inputs (its tape node's), not the tensors it saved: those are aliases
 * with other ids. The driver differentiates an input only when its sink wants it, so a tf.customGrad
 * gradient may skip the others (return unwantedGradient()). Always true under tfjs's own backward
 * (tf.grads, tf.variableGrads): it has no sink to ask, so every gradient is computed as before.
 */
export function gradientWanted(x: tf.Tensor): boolean {
  const sink = currentGradientSink();
  return sink === null || sink.wants(x);
}

/**
 * What a tf.customGrad gradient returns for an input whose gradient is not wanted: customGrad demands a
 * tensor per input, and the driver never reads it. A scalar, not zeros of the input's shape (a frozen
 * embedding's would cost its full size); one Fill kernel, no host upload. Were it ever read, both
 * drivers' shape check against the input would throw instead of training on it.
 */
export function unwantedGradient(): tf.Tensor {
  return tf.fill([], 0);
}

/** Makes `sink` current while `f` runs. */
export function withGradientSink<T>(sink: GradientSink, f: () => T): T {
  sinks.push(sink);
  try {
    return f();
  } finally {
    sinks.pop();
  }
}

// Outputs of ops whose forward may read tensors that are not inputs of their tape node.
const hiddenReaders = new WeakSet<tf.Tensor>();

/**
 * Marks `output` as made by a block that reads tensors through closures (a checkpoint). A backward pass
 * cannot see those reads on its tape, so it treats the op as computed from its xs: the op's gradient
 * runs whenever its output has one, and hands the hidden gradients over through the sink.
 */
export function markHiddenReads(output: tf.Tensor): void {
  hiddenReaders.add(output);
}

export function hasHiddenReads(t: tf.Tensor): boolean {
  return hiddenReaders.has(t);
}
