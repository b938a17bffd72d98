import { tf } from '../tf.js';
import { Swiglu } from '../kernel-names.js';

function checkArgs(gate: tf.Tensor, up: tf.Tensor): void {
  if (gate.dtype !== 'float32') throw new Error(`swiglu: gate must be float32, got ${gate.dtype}`);
  if (up.dtype !== 'float32') throw new Error(`swiglu: up must be float32, got ${up.dtype}`);
  if (!tf.util.arraysEqual(gate.shape, up.shape)) {
    throw new Error(`swiglu: up must have gate's shape [${gate.shape}], got [${up.shape}]`);
  }
}

/**
 * The gated activation of Llama/Qwen MLPs: `silu(gate) * up`, where gate and up are the outputs of
 * gate_proj and up_proj (same shape). Differentiable in both.
 */
export function swiglu<T extends tf.Tensor>(gate: T, up: T): T {
  checkArgs(gate, up);
  return tf.engine().runKernel(Swiglu, { gate, up }) as T;
}

/** The same function built from stock tfjs ops: runs on every backend; a test oracle. */
export function swigluReference<T extends tf.Tensor>(gate: T, up: T): T {
  checkArgs(gate, up);
  return tf.tidy(() => tf.mul(tf.mul(gate, tf.sigmoid(gate)), up) as T);
}
