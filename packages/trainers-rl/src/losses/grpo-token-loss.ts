// GRPO's policy loss (Shao et al. 2024, arXiv:2402.03300) as TRL's GRPOTrainer computes it on a
// micro-batch: PPO's clipped surrogate on every completion token with its completion's advantage, an
// optional k3 penalty towards the reference model, TRL's four token aggregations, and GSPO's
// sequence-level ratio (Zheng et al. 2025, arXiv:2507.18071).
import { noGrad, stopGradient, tf } from '@medgpt/core-tensor';
import { checkTensor, checkTokenMatrix } from './check-tensor.js';
import { clipRatioMetrics, type ClipRatioMetrics } from './clip-ratio-metrics.js';
import { klK3 } from './kl-estimators.js';
import { maskedTokenMean } from './masked-token-mean.js';

/** TRL's `loss_type`s of the clipped surrogate: how token losses become the micro-batch's loss. */
export const GRPO_LOSS_TYPES = ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const;
export type GrpoLossType = (typeof GRPO_LOSS_TYPES)[number];

/** TRL's `importance_sampling_level`: a ratio per token, or GSPO's one per sequence. */
export const IMPORTANCE_SAMPLING_LEVELS = ['token', 'sequence'] as const;
export type ImportanceSamplingLevel = (typeof IMPORTANCE_SAMPLING_LEVELS)[number];

/** A micro-batch of B completions padded to T tokens. */
export interface GrpoTokenLossInput {
  /** Per-token log-probs of the completion tokens under the policy being trained, float32 [B, T]. */
  logps: tf.Tensor2D;
  /**
   * The same under the policy that sampled them, [B, T]. Null (or absent) when the policy has not moved
   * since sampling (TRL's num_iterations = 1): the ratio is exp(lp − stopGradient(lp)) = 1, and its
   * gradient is still lp's.
   */
  oldLogps?: tf.Tensor2D | null;
  /** The reference model's, [B, T]; needed when beta != 0. */
  refLogps?: tf.Tensor2D | null;
  /** One advantage per completion, float32 [B]. */
  advantages: tf.Tensor1D;
  /** 1 for the completion tokens that count, 0 for padding; float32 [B, T]. */
  mask: tf.Tensor2D;
  /** Σ mask when the host knows it (a collator does): spares 'dapo' a read back from the device. */
  maskSum?: number;
}

export interface GrpoTokenLossOptions {
  /** ε: the ratio is clipped to [1 − ε, 1 + ε_high] (default 0.2, TRL's). */
  epsilon?: number;
  /** ε_high (DAPO's clip-higher); defaults to ε. */
  epsilonHigh?: number;
  /** β of the k3 KL penalty towards the reference (default 0, TRL's: no reference needed). */
  beta?: number;
  /** Default 'dapo', TRL's default. */
  lossType?: GrpoLossType;
  /** Dr. GRPO's constant normaliser per completion; required by 'dr_grpo'. */
  maxCompletionLength?: number;
  /** Default 'token'. */
  importanceSamplingLevel?: ImportanceSamplingLevel;
}

/** TRL's GRPO metrics of one micro-batch, as scalar tensors off the tape (the caller disposes them). */
export type GrpoLossMetrics = ClipRatioMetrics & {
  /** Masked token mean of the k3 KL to the reference; only when beta != 0. */
  kl?: tf.Scalar;
};

export interface GrpoTokenLoss {
  /** The micro-batch's loss, to be summed over micro-batches and divided by the sum of `items`. */
  loss: tf.Scalar;
  /** Σ mask for 'dapo' (TRL divides by the tokens of the whole batch), 1 for the others. */
  items: number;
  metrics: GrpoLossMetrics;
}

interface Resolved {
  epsilon: number;
  epsilonHigh: number;
  beta: number;
  lossType: GrpoLossType;
  maxCompletionLength: number;
  level: ImportanceSamplingLevel;
}

const OP = 'grpoTokenLoss';

/**
 * GRPO's loss on a micro-batch. Per token, with ratio = exp(lp − old) (GSPO: exp of the row's masked
 * mean of lp − old, shared by its tokens) and A its row's advantage:
 * L = −min(ratio·A, clip(ratio, 1 − ε, 1 + ε_high)·A) + β·k3(lp, ref). With M the mask:
 *
 * | lossType | loss | items |
 * |---|---|---|
 * | grpo | mean over rows of Σ_t L·M / max(Σ_t M, 1) | 1 |
 * | bnpo | Σ L·M / max(Σ M, 1) | 1 |
 * | dr_grpo | Σ L·M / (B · maxCompletionLength) | 1 |
 * | dapo | Σ L·M | Σ M |
 *
 * A loop that divides the sum of its micro-batches' losses by the sum of their items reproduces TRL's
 * step (its grpo, bnpo and dr_grpo divide by the accumulation steps; dapo by the tokens of the batch).
 * The caller owns `loss` and the metric tensors.
 */
export function grpoTokenLoss(input: GrpoTokenLossInput, options: GrpoTokenLossOptions = {}): GrpoTokenLoss {
  const o = resolveOptions(options);
  const rows = checkInput(input, o);
  const items = o.lossType === 'dapo' ? maskTotal(input) : 1;
  const { loss, metrics } = tf.tidy(() => {
    const { logps, mask } = input;
    const advantages = tf.reshape(input.advantages, [rows, 1]);
    const ratio = tf.exp(logImportanceWeights(input, o.level));
    const clipped = tf.clipByValue(ratio, 1 - o.epsilon, 1 + o.epsilonHigh);
    // [B, T], or [B, 1] at sequence level (broadcast over the row by the mask below).
    let perToken = tf.neg(tf.minimum(tf.mul(ratio, advantages), tf.mul(clipped, advantages)));
    const kl = o.beta !== 0 ? klK3(logps, input.refLogps!) : null;
    if (kl) perToken = tf.add(perToken, tf.mul(kl, o.beta));
    const tokenMean = (x: tf.Tensor) => maskedTokenMean(x, mask, 1);
    // TRL averages a sequence-level indicator over rows, a token-level one over the masked tokens.
    const fraction = o.level === 'sequence' ? (x: tf.Tensor) => tf.mean(x) as tf.Scalar : tokenMean;
    const metrics: GrpoLossMetrics = clipRatioMetrics(ratio, advantages, o.epsilon, o.epsilonHigh, fraction);
    if (kl) metrics.kl = noGrad(() => tokenMean(kl));
    return { loss: aggregate(perToken, mask, o, rows), metrics };
  });
  return { loss, items, metrics };
}

/** log ratio per token, or GSPO's per row: the masked mean log ratio (the geometric mean ratio's log). */
function logImportanceWeights(input: GrpoTokenLossInput, level: ImportanceSamplingLevel): tf.Tensor {
  const old = input.oldLogps ?? stopGradient(input.logps);
  const logRatio = tf.sub(input.logps, old);
  if (level === 'token') return logRatio;
  const lengths = noGrad(() => tf.maximum(tf.sum(input.mask, 1, true), 1));
  return tf.div(tf.sum(tf.mul(logRatio, input.mask), 1, true), lengths);
}

function aggregate(perToken: tf.Tensor, mask: tf.Tensor2D, o: Resolved, rows: number): tf.Scalar {
  const masked = tf.mul(perToken, mask);
  switch (o.lossType) {
    case 'grpo': {
      const lengths = noGrad(() => tf.maximum(tf.sum(mask, 1), 1));
      return tf.mean(tf.div(tf.sum(masked, 1), lengths));
    }
    case 'bnpo':
      return maskedTokenMean(perToken, mask, 1);
    case 'dr_grpo':
      return tf.div(tf.sum(masked), rows * o.maxCompletionLength);
    case 'dapo':
      return tf.sum(masked);
  }
}

/** Σ mask on the host: the caller's count, or one read of the device. */
function maskTotal(input: GrpoTokenLossInput): number {
  if (input.maskSum !== undefined) return input.maskSum;
  const sum = noGrad(() => tf.sum(input.mask));
  const value = sum.dataSync()[0]!;
  sum.dispose();
  return value;
}

function resolveOptions(options: GrpoTokenLossOptions): Resolved {
  const epsilon = options.epsilon ?? 0.2;
  const o: Resolved = {
    epsilon,
    epsilonHigh: options.epsilonHigh ?? epsilon,
    beta: options.beta ?? 0,
    lossType: options.lossType ?? 'dapo',
    maxCompletionLength: options.maxCompletionLength ?? NaN,
    level: options.importanceSamplingLevel ?? 'token',
  };
  for (const key of ['epsilon', 'epsilonHigh'] as const) {
    if (!(o[key] >= 0 && Number.isFinite(o[key])))
      throw new Error(`${OP}: ${key} must be >= 0, got ${o[key]}`);
  }
  if (!Number.isFinite(o.beta)) throw new Error(`${OP}: beta must be finite, got ${o.beta}`);
  if (!GRPO_LOSS_TYPES.includes(o.lossType)) {
    throw new Error(
      `${OP}: unknown lossType '${o.lossType as string}'; valid: ${GRPO_LOSS_TYPES.join(', ')}`,
    );
  }
  if (!IMPORTANCE_SAMPLING_LEVELS.includes(o.level)) {
    throw new Error(
      `${OP}: unknown importanceSamplingLevel '${o.level as string}'; valid: ${IMPORTANCE_SAMPLING_LEVELS.join(', ')}`,
    );
  }
  const max = o.maxCompletionLength;
  if (o.lossType === 'dr_grpo' && !(Number.isInteger(max) && max > 0)) {
    throw new Error(`${OP}: lossType 'dr_grpo' needs maxCompletionLength, a positive integer; got ${max}`);
  }
  return o;
}

/** Checks shapes and dtypes; returns B. */
function checkInput(input: GrpoTokenLossInput, o: Resolved): number {
  const [rows, tokens] = checkTokenMatrix(OP, 'logps', input.logps);
  const shape = [rows, tokens];
  checkTensor(OP, 'mask', input.mask, shape, "logps's [B, T]");
  checkTensor(OP, 'advantages', input.advantages, [rows], 'one per row of logps');
  if (input.oldLogps != null) checkTensor(OP, 'oldLogps', input.oldLogps, shape, "logps's [B, T]");
  if (o.beta !== 0 && input.refLogps == null) throw new Error(`${OP}: beta = ${o.beta} needs refLogps`);
  if (input.refLogps != null) checkTensor(OP, 'refLogps', input.refLogps, shape, "logps's [B, T]");
  const sum = input.maskSum;
  if (sum !== undefined && !(Number.isFinite(sum) && sum >= 0)) {
    throw new Error(`${OP}: maskSum must be a count >= 0, got ${sum}`);
  }
  return rows;
}
