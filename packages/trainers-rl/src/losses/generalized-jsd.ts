// The generalized Jensen-Shannon divergence of GKD (Agarwal et al. 2024, arXiv:2306.13649) as TRL's
// GKDTrainer computes it (`generalized_jsd_loss`), the loss of MedicalGPT's on-policy distillation.
import { noGrad, tf } from '@medgpt/core-tensor';
import { checkTensor, checkTokenMatrix } from './check-tensor.js';

export interface GeneralizedJsdOptions {
  /** β ∈ [0, 1]: 0 is forward KL(teacher‖student), 1 reverse KL(student‖teacher), between a JSD. */
  beta: number;
  /** Softmax temperature applied to both sets of logits (default 1). */
  temperature?: number;
}

const OP = 'generalizedJsd';

/**
 * TRL's generalized JSD between student and teacher over the vocabulary, averaged over the N rows
 * (its "batchmean" over counted tokens). With s = log_softmax(student / T), t = log_softmax(teacher / T)
 * and KL(p‖q) = Σ_v exp(p)·(p − q) per row:
 *
 * - β = 0: KL(t‖s);
 * - β = 1: KL(s‖t);
 * - otherwise, with m = log((1 − β)·exp(s) + β·exp(t)): β·KL(t‖m) + (1 − β)·KL(s‖m).
 *
 * `studentLogits` and `teacherLogits` are float32 [N, V] logits of the positions that count (the caller
 * has selected them, so there is no mask); N must be at least 1. The teacher is a constant: no gradient
 * flows into it. The caller owns the returned scalar.
 */
export function generalizedJsd(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  options: GeneralizedJsdOptions,
): tf.Scalar {
  const { beta, temperature } = resolveOptions(options);
  const [rows, vocab] = checkTokenMatrix(OP, 'studentLogits', studentLogits);
  checkTensor(OP, 'teacherLogits', teacherLogits, [rows, vocab], "studentLogits's [N, V]");
  if (rows === 0) throw new Error(`${OP}: needs at least one row (N >= 1), got [0,${vocab}]`);
  if (vocab === 0) throw new Error(`${OP}: needs a vocabulary (V >= 1), got [${rows},0]`);
  return tf.tidy(() => {
    const s = tf.logSoftmax(tf.div(studentLogits, temperature));
    // The teacher is a target: recording it would only waste tape memory.
    const t = noGrad(() => tf.logSoftmax(tf.div(teacherLogits, temperature)));
    let perRow: tf.Tensor1D;
    if (beta === 0) perRow = kl(t, s);
    else if (beta === 1) perRow = kl(s, t);
    else {
      // log of the mixture (1 − β)·p_s + β·p_t, in log space so tiny probabilities don't underflow.
      const m = tf.logSumExp(tf.stack([tf.add(s, Math.log(1 - beta)), tf.add(t, Math.log(beta))]), 0);
      perRow = tf.add(tf.mul(kl(t, m), beta), tf.mul(kl(s, m), 1 - beta));
    }
    return tf.div(tf.sum(perRow), rows);
  });
}

/** KL(p‖q) per row from log-probabilities [N, V]: Σ_v exp(p)·(p − q). */
function kl(p: tf.Tensor, q: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.mul(tf.exp(p), tf.sub(p, q)), 1);
}

function resolveOptions(options: GeneralizedJsdOptions): { beta: number; temperature: number } {
  const beta = options?.beta;
  const temperature = options?.temperature ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0 && beta <= 1)) {
    throw new Error(`${OP}: beta must be a number in [0, 1], got ${String(beta)}`);
  }
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new Error(`${OP}: temperature must be a finite number > 0, got ${temperature}`);
  }
  return { beta, temperature };
}
