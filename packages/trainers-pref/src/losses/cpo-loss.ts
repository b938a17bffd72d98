// CPO (Xu et al. 2024, "Contrastive Preference Optimization", arXiv:2401.08417) and SimPO (Meng et al.
// 2024, "SimPO: Simple Preference Optimization with a Reference-Free Reward", arXiv:2405.14734), as TRL's
// CPOTrainer computes them: reference-free, with an optional NLL term on the chosen answers.
import { tf } from '@medgpt/core-tensor';
import { logSigmoid } from './log-sigmoid.js';

export const CPO_LOSS_TYPES = ['sigmoid', 'hinge', 'ipo', 'simpo'] as const;
export type CpoLossType = (typeof CPO_LOSS_TYPES)[number];

export interface CpoLossOptions {
  beta: number;
  /** ε of the sigmoid and simpo losses (conservative labels). Default 0. */
  labelSmoothing?: number;
  /** SimPO's target margin γ (default 0.5). */
  simpoGamma?: number;
}

/** Whether a loss type scores answers by their mean per-token log-prob (ipo, simpo) rather than the sum. */
export function cpoUsesMeanLogps(type: CpoLossType): boolean {
  return type === 'ipo' || type === 'simpo';
}

/**
 * The per-pair loss [P] from the policy's log-probs of each answer (means for ipo/simpo, sums otherwise:
 * see cpoUsesMeanLogps). With d = chosen - rejected:
 * sigmoid -(1-ε)logσ(βd) - ε·logσ(-βd); hinge relu(1 - βd); ipo (d - 1/(2β))²;
 * simpo the sigmoid loss of d - γ/β, i.e. -logσ(βd - γ) at ε = 0.
 */
export function cpoLoss(
  type: CpoLossType,
  chosen: tf.Tensor1D,
  rejected: tf.Tensor1D,
  o: CpoLossOptions,
): tf.Tensor1D {
  const { beta } = o;
  const eps = o.labelSmoothing ?? 0;
  return tf.tidy(() => {
    const d = tf.sub(chosen, rejected);
    const smoothedSigmoid = (logits: tf.Tensor) => {
      const z = tf.mul(logits, beta);
      return tf.sub(tf.mul(logSigmoid(z), -(1 - eps)), tf.mul(logSigmoid(tf.neg(z)), eps)) as tf.Tensor1D;
    };
    switch (type) {
      case 'sigmoid':
        return smoothedSigmoid(d);
      case 'hinge':
        return tf.relu(tf.sub(1, tf.mul(d, beta))) as tf.Tensor1D;
      case 'ipo':
        return tf.square(tf.sub(d, 1 / (2 * beta))) as tf.Tensor1D;
      case 'simpo':
        return smoothedSigmoid(tf.sub(d, (o.simpoGamma ?? 0.5) / beta));
      default:
        throw new RangeError(
          `unknown CPO loss_type '${type as string}'; valid: ${CPO_LOSS_TYPES.join(', ')}`,
        );
    }
  });
}
