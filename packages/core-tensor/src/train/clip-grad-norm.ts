import { tf } from '../tf.js';

export interface ClipGradNormResult {
  /** The 2-norm of all gradients together, before clipping (what HF logs as grad_norm). */
  totalNorm: number;
  /** The factor applied to every gradient: min(1, maxNorm / (totalNorm + 1e-6)); 1 when not clipped. */
  clipCoef: number;
  /** Whether the gradients were scaled. */
  clipped: boolean;
  /** False when the norm is NaN or infinite; the gradients are then left as they were. */
  finite: boolean;
  /** The keys (or indices) of the gradients whose own norm is not finite. */
  nonFinite: string[];
}

export interface ClipGradNormOptions {
  /** Throw instead of reporting a non-finite norm (torch's error_if_nonfinite); default false. */
  errorIfNonfinite?: boolean;
}

/**
 * torch.nn.utils.clip_grad_norm_ (norm_type 2): the 2-norm over all gradients; when
 * maxNorm / (total + 1e-6) < 1 every gradient is scaled by that factor. The gradients are replaced
 * in place in `grads` (a map from tf.variableGrads or an array), the old tensors disposed: the
 * container owns them. One host read per call. Unlike torch, a non-finite norm leaves the
 * gradients untouched (torch would turn them all into NaN) and is reported, so the caller can skip
 * the step.
 */
export function clipGradNorm(
  grads: tf.NamedTensorMap | tf.Tensor[],
  maxNorm: number,
  options: ClipGradNormOptions = {},
): ClipGradNormResult {
  if (!(maxNorm > 0)) {
    throw new RangeError(`clipGradNorm: option 'maxNorm' is ${maxNorm}; expected a number > 0`);
  }
  // Arrays too: their keys are the indices.
  const container = grads as Record<string, tf.Tensor>;
  const keys = Object.keys(container);
  const tensors = keys.map((k) => container[k]!);
  if (tensors.length === 0) return { totalNorm: 0, clipCoef: 1, clipped: false, finite: true, nonFinite: [] };

  const squares = tf.tidy(
    () => tf.stack(tensors.map((g) => tf.sum(tf.square(g)))).dataSync() as Float32Array,
  );
  const nonFinite = keys.filter((_, i) => !Number.isFinite(squares[i]!));
  const totalNorm = Math.sqrt(squares.reduce((a, b) => a + b, 0));
  const finite = Number.isFinite(totalNorm);
  if (!finite) {
    if (options.errorIfNonfinite) {
      throw new Error(
        `clipGradNorm: the total norm of ${tensors.length} gradients is ${totalNorm}; ` +
          `non-finite in: ${nonFinite.join(', ') || '(their sum overflowed)'}`,
      );
    }
    return { totalNorm, clipCoef: 1, clipped: false, finite, nonFinite };
  }
  const coef = maxNorm / (totalNorm + 1e-6);
  if (coef >= 1) return { totalNorm, clipCoef: 1, clipped: false, finite, nonFinite };

  const c = tf.scalar(coef);
  keys.forEach((k, i) => {
    container[k] = tf.mul(tensors[i]!, c);
    tensors[i]!.dispose();
  });
  c.dispose();
  return { totalNorm, clipCoef: coef, clipped: true, finite, nonFinite };
}
