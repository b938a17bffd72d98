// How a gradient computed off the tape reaches the backward pass that wants it. A checkpointed block
// (train/checkpoint.ts) recomputes its forward during backward; the weights it reads through closures
// (LoRA adapters inside a linear hook, a model's own weights) are not inputs of its tape node, so their
// gradients are handed to the running backward pass here instead of being returned through the node.
import type { tf } from '../tf.js';

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
