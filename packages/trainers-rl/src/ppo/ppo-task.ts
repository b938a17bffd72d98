import { nanmean } from '../advantages/nanstd.js';
import { tf } from '@medgpt/core-tensor';
import { gae } from '../advantages/gae.js';
import { maskedWhiten } from '../advantages/masked-whiten.js';
import { ppoPolicyLoss, ppoValueLoss } from '../losses/ppo-losses.js';
import {
  GroupRolloutTask,
  type Advantages,
  type GroupRolloutTaskOptions,
  type PreparedRollout,
} from '../rollout/group-rollout-task.js';
import type { KlController } from './kl-controller.js';
import type { ValueModel } from './value-model.js';

export interface PpoTaskOptions extends GroupRolloutTaskOptions {
  valueModel: ValueModel;
  kl: KlController;
  klEstimator: 'k1' | 'k3';
  cliprange: number;
  cliprangeValue: number;
  vfCoef: number;
  gamma: number;
  lam: number;
  whitenRewards: boolean;
  /** Subtracted from the score of a completion that ended without EOS; null: none. */
  missingEosPenalty: number | null;
}

const PPO_METRICS = [
  'objective/kl',
  'objective/non_score_reward',
  'objective/rlhf_reward',
  'objective/scores',
  'objective/kl_coef',
  'policy/approxkl_avg',
  'policy/clipfrac_avg',
  'loss/policy_avg',
  'loss/value_avg',
  'val/clipfrac_avg',
];

/**
 * PPO as TRL's PPOTrainer computes it: one completion per prompt, the reward model's score at the last
 * completion token and a per-token KL penalty −β·kl_t to the reference, GAE over the value model's
 * rollout-time values, whitened advantages, then --num_ppo_epochs optimizer steps on the same rollouts
 * (the base class's reuse), each the clipped policy loss plus vf_coef times the clipped value loss.
 */
export class PpoTask extends GroupRolloutTask {
  constructor(private readonly p: PpoTaskOptions) {
    super(p, PPO_METRICS);
  }

  /** The policy's trained variables, then the value model's. */
  override get parameters(): tf.Variable[] {
    return [...super.parameters, ...this.p.valueModel.parameters];
  }

  protected needsOldLogps(): boolean {
    return true; // the ratio and the KL penalty both read the rollout-time log-probs
  }

  protected itemsOf(): number {
    return 1; // the losses are masked token means per micro-batch
  }

  protected advantages(scores: Float64Array, prepared: readonly PreparedRollout[]): Advantages {
    const o = this.p;
    const beta = o.kl.value;
    const rows: { p: PreparedRollout; b: number; start: number; length: number }[] = [];
    for (const p of prepared) for (let b = 0; b < p.batch.rows; b++) rows.push({ p, b, ...window(p, b) });
    const rewards: Float64Array[] = [];
    const values: Float64Array[] = [];
    const masks: Float64Array[] = [];
    const klSums: number[] = [];
    const nonScore: number[] = [];
    const finalScores: number[] = [];
    const oldValues = new Map(prepared.map((p) => [p, o.valueModel.frozenValues(p.batch)]));
    rows.forEach(({ p, b, start, length }, i) => {
      const base = b * p.batch.length + start;
      const r = new Float64Array(length);
      let klSum = 0;
      for (let t = 0; t < length; t++) {
        const lp = p.oldLogps![base + t]!;
        const ref = p.refLogps ? p.refLogps[base + t]! : lp;
        const logr = ref - lp;
        const kl = o.klEstimator === 'k1' ? -logr : Math.expm1(logr) - logr;
        klSum += kl;
        r[t] = -beta * kl;
      }
      let score = Number.isFinite(scores[i]!) ? scores[i]! : 0;
      if (o.missingEosPenalty !== null && p.truncated[b]) score -= o.missingEosPenalty;
      if (length > 0) r[length - 1] = r[length - 1]! + score;
      rewards.push(r);
      values.push(Float64Array.from({ length }, (_, t) => oldValues.get(p)![base + t]!));
      masks.push(new Float64Array(length).fill(1));
      klSums.push(klSum);
      nonScore.push(-beta * klSum);
      finalScores.push(score);
    });
    const shaped = o.whitenRewards ? maskedWhiten(rewards, masks, false) : rewards;
    const g = gae(shaped, values, masks, { gamma: o.gamma, lam: o.lam });
    const whitened = maskedWhiten(g.advantages, masks);
    rows.forEach(({ p, b, start, length }, i) => {
      const n = p.batch.rows * p.batch.length;
      p.tokenAdvantages ??= new Float32Array(n);
      p.returns ??= new Float32Array(n);
      p.oldValues = oldValues.get(p)!;
      const base = b * p.batch.length + start;
      for (let t = 0; t < length; t++) {
        p.tokenAdvantages[base + t] = whitened[i]![t]!;
        p.returns[base + t] = g.returns[i]![t]!;
      }
    });
    o.kl.update(nanmean(klSums), rows.length);
    return {
      advantages: new Float64Array(scores.length),
      metrics: {
        'objective/kl': nanmean(klSums),
        'objective/non_score_reward': nanmean(nonScore),
        'objective/rlhf_reward': nanmean(finalScores.map((s, i) => s + nonScore[i]!)),
        'objective/scores': nanmean(finalScores),
        'objective/kl_coef': beta,
      },
    };
  }

  protected policyLoss(logps: tf.Tensor2D, r: PreparedRollout) {
    const o = this.p;
    const mask = this.matrix(r, r.batch.mask);
    const policy = ppoPolicyLoss(
      {
        logps,
        oldLogps: this.matrix(r, r.oldLogps!),
        advantages: this.matrix(r, r.tokenAdvantages!),
        mask,
      },
      { clipRange: o.cliprange },
    );
    const value = ppoValueLoss(
      {
        values: o.valueModel.values(r.batch),
        oldValues: this.matrix(r, r.oldValues!),
        returns: this.matrix(r, r.returns!),
        mask,
      },
      { clipRangeValue: o.cliprangeValue },
    );
    return {
      loss: tf.add(policy.loss, tf.mul(value.loss, o.vfCoef)) as tf.Scalar,
      metrics: {
        'policy/approxkl_avg': policy.metrics['policy/approxkl'],
        'policy/clipfrac_avg': policy.metrics['policy/clipfrac'],
        'loss/policy_avg': policy.loss,
        'loss/value_avg': value.loss,
        'val/clipfrac_avg': value.metrics['val/clipfrac'],
      },
    };
  }
}

/** Where row b's counted completion tokens sit in its layout: the first masked position and how many. */
function window(p: PreparedRollout, b: number): { start: number; length: number } {
  const { length, mask } = p.batch;
  let start = -1;
  let count = 0;
  for (let t = 0; t < length; t++) {
    if (mask[b * length + t]! > 0) {
      if (start < 0) start = t;
      count += 1;
    }
  }
  return { start: Math.max(0, start), length: count };
}
