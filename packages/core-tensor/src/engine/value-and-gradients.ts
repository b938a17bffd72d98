import type { tf } from '../tf.js';
import { backprop } from './backprop.js';
import { recordTape } from './record-tape.js';

export interface ValueAndGradients<T extends tf.Tensor> {
  value: T;
  /** One per x, in order; null where the value does not depend on it. */
  grads: (tf.Tensor | null)[];
}

/**
 * `f()` and its gradients with respect to `xs` (any tensors f reads: variables, inputs, activations
 * made before f), computed by our backward driver: tfjs's tape records the forward, and the backward
 * frees each saved tensor and each activation gradient as soon as it is consumed (backprop.ts).
 * Same results as tfjs's engine.gradients / tf.grads; `dy` (default ones) seeds the gradient of the
 * value and stays the caller's. First-order only.
 */
export function valueAndGradients<T extends tf.Tensor>(
  f: () => T,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
): ValueAndGradients<T> {
  if (xs.length === 0)
    throw new Error('valueAndGradients: xs is empty; pass the tensors to differentiate by');
  const { value, tape } = recordTape(f);
  try {
    return { value, grads: backprop(tape, xs, value, { dy }) };
  } catch (e) {
    value.dispose();
    throw e;
  }
}
