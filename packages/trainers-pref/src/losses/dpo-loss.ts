// DPO (Rafailov et al. 2023, "Direct Preference Optimization", arXiv:2305.18290) and the variants TRL's
// DPOTrainer offers under `loss_type`, as per-pair losses over sequence log-probs.
import { tf } from '@medgpt/core-tensor';
import { logSigmoid } from './log-sigmoid.js';

/** The loss types DpoTrainer supports (TRL's names). */
export const DPO_LOSS_TYPES = [
  'sigmoid',
  'hinge',
  'ipo',
  'robust',
  'exo_pair',
  'nca_pair',
  'sppo_hard',
  'apo_zero',
  'apo_down',
  'discopop',
  'sigmoid_norm',
  'sft',
] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];

/** Per pair [P]: summed completion log-probs of the policy and the reference, and the completion lengths. */
export interface DpoLossInputs {
  chosen: tf.Tensor1D;
  rejected: tf.Tensor1D;
  refChosen: tf.Tensor1D;
  refRejected: tf.Tensor1D;
  /** Completion tokens of each side (ipo, sigmoid_norm and sft normalise by them). */
  chosenTokens: tf.Tensor1D;
  rejectedTokens: tf.Tensor1D;
}

export interface DpoLossOptions {
  /** β: the strength of the implicit KL constraint (TRL default 0.1). */
  beta: number;
  /** ε: cDPO's label noise for sigmoid, robust DPO's, EXO's (min 1e-3). Default 0. */
  labelSmoothing?: number;
  /** DiscoPOP's τ (default 0.05). */
  discopopTau?: number;
}

/**
 * The per-pair loss [P] of one loss type. With cr = chosen - refChosen, rr = rejected - refRejected and
 * Δ = cr - rr (the implicit reward margin over β):
 *
 * | type | loss |
 * |---|---|
 * | sigmoid | -(1-ε)·logσ(βΔ) - ε·logσ(-βΔ) (cDPO; plain DPO at ε = 0) |
 * | hinge | relu(1 - βΔ) (SLiC) |
 * | ipo | (cr/|c| - rr/|r| - 1/(2β))² (Azar et al. 2023; log-probs per token) |
 * | robust | (-(1-ε)·logσ(βΔ) + ε·logσ(-βΔ)) / (1-2ε) (Chowdhury et al. 2024) |
 * | exo_pair | σ(βΔ)(logσ(βΔ) - log(1-ε)) + σ(-βΔ)(logσ(-βΔ) - log ε), ε ≥ 1e-3 (Ji et al. 2024) |
 * | nca_pair | -logσ(β·cr) - ½logσ(-β·cr) - ½logσ(-β·rr) (Chen et al. 2024) |
 * | sppo_hard | (cr - 1/(2β))² + (rr + 1/(2β))² (Wu et al. 2024) |
 * | apo_zero | 1 - σ(β·cr) + σ(β·rr) (D'Oosterlinck et al. 2024) |
 * | apo_down | σ(β·cr) + 1 - σ(βΔ) |
 * | discopop | z = βΔ, m = σ(z/τ): -logσ(z)(1-m) + e^(-z)·m (Chris Lu et al. 2024) |
 * | sigmoid_norm | -logσ(β(cr/|c| - rr/|r|)) |
 * | sft | -chosen/|c|: the chosen answer's mean token NLL |
 */
export function dpoLoss(type: DpoLossType, x: DpoLossInputs, o: DpoLossOptions): tf.Tensor1D {
  const beta = o.beta;
  const eps = o.labelSmoothing ?? 0;
  return tf.tidy(() => {
    const cr = tf.sub(x.chosen, x.refChosen);
    const rr = tf.sub(x.rejected, x.refRejected);
    const delta = tf.sub(cr, rr);
    const bd = tf.mul(delta, beta);
    const ls = logSigmoid;
    const perToken = (sum: tf.Tensor, tokens: tf.Tensor) => tf.div(sum, tf.maximum(tokens, 1));
    switch (type) {
      case 'sigmoid':
        return tf.sub(tf.mul(ls(bd), -(1 - eps)), tf.mul(ls(tf.neg(bd)), eps)) as tf.Tensor1D;
      case 'hinge':
        return tf.relu(tf.sub(1, bd)) as tf.Tensor1D;
      case 'ipo': {
        const margin = tf.sub(perToken(cr, x.chosenTokens), perToken(rr, x.rejectedTokens));
        return tf.square(tf.sub(margin, 1 / (2 * beta))) as tf.Tensor1D;
      }
      case 'robust':
        return tf.div(
          tf.add(tf.mul(ls(bd), -(1 - eps)), tf.mul(ls(tf.neg(bd)), eps)),
          1 - 2 * eps,
        ) as tf.Tensor1D;
      case 'exo_pair': {
        const e = Math.max(eps, 1e-3);
        const forward = tf.mul(tf.sigmoid(bd), tf.sub(ls(bd), Math.log(1 - e)));
        const backward = tf.mul(tf.sigmoid(tf.neg(bd)), tf.sub(ls(tf.neg(bd)), Math.log(e)));
        return tf.add(forward, backward) as tf.Tensor1D;
      }
      case 'nca_pair': {
        const c = tf.mul(cr, beta);
        const r = tf.mul(rr, beta);
        return tf.sub(tf.neg(ls(c)), tf.mul(tf.add(ls(tf.neg(c)), ls(tf.neg(r))), 0.5)) as tf.Tensor1D;
      }
      case 'sppo_hard':
        return tf.add(tf.square(tf.sub(cr, 0.5 / beta)), tf.square(tf.add(rr, 0.5 / beta))) as tf.Tensor1D;
      case 'apo_zero':
        return tf.add(tf.sub(1, tf.sigmoid(tf.mul(cr, beta))), tf.sigmoid(tf.mul(rr, beta))) as tf.Tensor1D;
      case 'apo_down':
        return tf.add(tf.sigmoid(tf.mul(cr, beta)), tf.sub(1, tf.sigmoid(bd))) as tf.Tensor1D;
      case 'discopop': {
        const m = tf.sigmoid(tf.div(bd, o.discopopTau ?? 0.05));
        return tf.add(tf.mul(tf.neg(ls(bd)), tf.sub(1, m)), tf.mul(tf.exp(tf.neg(bd)), m)) as tf.Tensor1D;
      }
      case 'sigmoid_norm': {
        const margin = tf.sub(perToken(cr, x.chosenTokens), perToken(rr, x.rejectedTokens));
        return tf.neg(ls(tf.mul(margin, beta))) as tf.Tensor1D;
      }
      case 'sft':
        return tf.neg(perToken(x.chosen, x.chosenTokens)) as tf.Tensor1D;
      default:
        throw new RangeError(
          `unknown DPO loss_type '${type as string}'; valid: ${DPO_LOSS_TYPES.join(', ')}`,
        );
    }
  });
}

/** DPO's implicit rewards per pair: β·(chosen - refChosen) and β·(rejected - refRejected). */
export function dpoRewards(
  x: Pick<DpoLossInputs, 'chosen' | 'rejected' | 'refChosen' | 'refRejected'>,
  beta: number,
): { chosen: tf.Tensor1D; rejected: tf.Tensor1D } {
  return {
    chosen: tf.tidy(() => tf.mul(tf.sub(x.chosen, x.refChosen), beta)),
    rejected: tf.tidy(() => tf.mul(tf.sub(x.rejected, x.refRejected), beta)),
  };
}
