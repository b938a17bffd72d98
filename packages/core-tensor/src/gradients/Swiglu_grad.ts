import { tf } from '../tf.js';
import { Swiglu, SwigluGrad } from '../kernel-names.js';

/** Gradient of Swiglu: one SwigluGrad launch gives dgate and dup. */
export const swigluGradConfig: tf.GradConfig = {
  kernelName: Swiglu,
  inputsToSave: ['gate', 'up'],
  gradFunc: (dy, saved) => {
    const [gate, up] = saved;
    // Eager for the same reason as RmsNorm_grad.ts: both outputs must outlive each closure's tidy.
    const [dGate, dUp] = tf
      .engine()
      .runKernel(SwigluGrad, { dy: dy as tf.Tensor, gate: gate!, up: up! }) as tf.Tensor[];
    return { gate: () => dGate!, up: () => dUp! };
  },
};
