import { tf } from '../tf.js';
import { RmsNorm, type RmsNormAttrs } from '../kernel-names.js';

function checkArgs(x: tf.Tensor, weight: tf.Tensor, eps: number): void {
  if (x.dtype !== 'float32') throw new Error(`rmsNorm: x must be float32, got ${x.dtype}`);
  if (weight.dtype !== 'float32') throw new Error(`rmsNorm: weight must be float32, got ${weight.dtype}`);
  const hidden = x.shape[x.rank - 1];
  if (x.rank < 1 || hidden === 0) {
    throw new Error(`rmsNorm: x must have a non-empty last dim, got shape [${x.shape}]`);
  }
  if (weight.rank !== 1 || weight.shape[0] !== hidden) {
    throw new Error(`rmsNorm: weight must have shape [${hidden}] (x's last dim), got [${weight.shape}]`);
  }
  if (!(eps >= 0) || !Number.isFinite(eps)) {
    throw new Error(`rmsNorm: eps must be a finite number >= 0, got ${eps}`);
  }
}

/**
 * RMS normalisation over the last axis, as HF's LlamaRMSNorm / Qwen2RMSNorm / Qwen3RMSNorm:
 * `y = x / sqrt(mean(x^2) + eps) * weight`. x may have any rank; Qwen3's per-head q/k norm passes
 * [T * heads, headDim] with a [headDim] weight. Differentiable in x and weight.
 */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps: number): T {
  checkArgs(x, weight, eps);
  const attrs: RmsNormAttrs = { eps };
  return tf.engine().runKernel(RmsNorm, { x, weight }, attrs) as T;
}

/** The same function built from stock tfjs ops: runs on every backend; a test oracle. */
export function rmsNormReference<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps: number): T {
  checkArgs(x, weight, eps);
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight) as T;
  });
}
