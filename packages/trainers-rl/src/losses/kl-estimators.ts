// Per-token estimators of KL(π‖π_ref) from log-probs of sampled tokens (Schulman 2020, "Approximating
// KL divergence"), with d = log π_ref − log π of each token.
import { tf } from '@medgpt/core-tensor';
import { checkTensor } from './check-tensor.js';

/** k1 = log π − log π_ref (TRL PPO's `kl = -logr`): unbiased, noisy, negative at times. */
export function klK1<T extends tf.Tensor>(logps: T, refLogps: T): T {
  checkTensor('klK1', 'logps', logps, logps?.shape ?? [], 'its own');
  checkTensor('klK1', 'refLogps', refLogps, logps.shape, "logps's");
  return tf.tidy(() => tf.sub(logps, refLogps));
}

/**
 * k3 = exp(d) − d − 1, d = refLogps − logps (GRPO's per-token KL, PPO's 'k3'): unbiased, lower
 * variance, never negative. Computed as expm1(d) − d, which keeps small d accurate in float32 (exp(d) − 1 cancels to 0).
 * Differentiable in both; ∂k3/∂logps = 1 − exp(d).
 */
export function klK3<T extends tf.Tensor>(logps: T, refLogps: T): T {
  checkTensor('klK3', 'logps', logps, logps?.shape ?? [], 'its own');
  checkTensor('klK3', 'refLogps', refLogps, logps.shape, "logps's");
  return tf.tidy(() => {
    const d = tf.sub(refLogps, logps);
    return tf.sub(tf.expm1(d), d);
  });
}
