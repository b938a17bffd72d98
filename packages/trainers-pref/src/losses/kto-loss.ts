// KTO (Ethayarajh et al. 2024, "KTO: Model Alignment as Prospect Theoretic Optimization",
// arXiv:2402.01306), as TRL's KTOTrainer computes it: unpaired answers, each desirable or not, judged
// against a batch-level KL reference point.
import { noGrad, tf } from '@medgpt/core-tensor';

export interface KtoLossOptions {
  beta: number;
  /** λ_D, the weight of desirable rows (default 1). */
  desirableWeight?: number;
  /** λ_U, the weight of undesirable rows (default 1). */
  undesirableWeight?: number;
}

/**
 * KTO's reference point z0: the mean over the batch of log π(y'|x) - log π_ref(y'|x) for mismatched
 * pairs (each prompt with another row's completion), clamped at 0 and detached.
 */
export function ktoKl(policyKlLogps: tf.Tensor1D, refKlLogps: tf.Tensor1D): tf.Scalar {
  return noGrad(() => tf.tidy(() => tf.maximum(tf.mean(tf.sub(policyKlLogps, refKlLogps)), 0) as tf.Scalar));
}

/**
 * The per-row loss [B]: λ_D·(1 - σ(β(r - z0))) for a desirable row and λ_U·(1 - σ(β(z0 - r))) for an
 * undesirable one, r = log π(y|x) - log π_ref(y|x) (summed over the completion). TRL's loss is the
 * mean of these over the batch's rows.
 */
export function ktoLoss(
  logratios: tf.Tensor1D,
  desirable: readonly boolean[],
  kl: tf.Scalar,
  o: KtoLossOptions,
): tf.Tensor1D {
  if (desirable.length !== logratios.shape[0]) {
    throw new RangeError(`ktoLoss: ${desirable.length} labels for ${logratios.shape[0]} rows`);
  }
  return tf.tidy(() => {
    const isDesirable = tf.tensor1d(
      desirable.map((d) => (d ? 1 : 0)),
      'bool',
    );
    const shifted = tf.mul(tf.sub(logratios, kl), o.beta);
    const desirableLoss = tf.mul(tf.sub(1, tf.sigmoid(shifted)), o.desirableWeight ?? 1);
    const undesirableLoss = tf.mul(tf.sub(1, tf.sigmoid(tf.neg(shifted))), o.undesirableWeight ?? 1);
    return tf.where(isDesirable, desirableLoss, undesirableLoss) as tf.Tensor1D;
  });
}
