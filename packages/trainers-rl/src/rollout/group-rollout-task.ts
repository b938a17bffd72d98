import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { InferenceEngine } from '@medgpt/serving';
import {
  TaskMetrics,
  WeightsTask,
  type LossContext,
  type MetricsMode,
  type PrepareContext,
  type WeightsTaskOptions,
} from '@medgpt/trainer';
import { nanmean } from '../advantages/nanstd.js';
import { combineRewards } from '../advantages/combine-rewards.js';
import type { CompletionInfo, NamedReward, RewardRow } from '../rewards/reward-function.js';
import { frozenLogps, policyLogps } from './policy-logps.js';
import { rolloutBatch, type RolloutBatch } from './rollout-batch.js';
import type { RolloutExample } from './rollout-example.js';
import { sampleCompletions, type SampledCompletion, type SamplingOptions } from './sample-completions.js';
import { meanTokenEntropy } from './token-entropy.js';

/** A micro-batch of prompts, and once prepared, its completions laid out for the loss. */
export interface RolloutStepBatch {
  readonly examples: readonly RolloutExample[];
  readonly rollout: PreparedRollout | null;
}

/** What prepare makes of a micro-batch: G completions per prompt, scored, with their advantages. */
export interface PreparedRollout {
  readonly batch: RolloutBatch;
  /** One per completion row. */
  advantages: Float32Array;
  /** The generating policy's log-probs, [rows * length], when the algorithm needs them. */
  readonly oldLogps: Float32Array | null;
  /** The reference's log-probs (beta > 0), [rows * length]. */
  readonly refLogps: Float32Array | null;
  /** What the loop divides the step's summed loss by. */
  items: number;
  /** Per completion row: 1 when it ended by the token limit rather than EOS. */
  readonly truncated: Uint8Array;
  /** PPO: per-token advantages, value targets and the value model's rollout-time values, [rows * length]. */
  tokenAdvantages?: Float32Array;
  returns?: Float32Array;
  oldValues?: Float32Array;
}

/** The log-probs of a frozen reference (the base with adapters off, or a loaded copy). */
export type ReferenceLogps = (batch: RolloutBatch) => Float32Array;

export interface GroupRolloutTaskOptions extends WeightsTaskOptions {
  model: CausalLM;
  /** The serving engine over the trained model (made on first use: LoRA adapters must exist first). */
  engine: () => InferenceEngine;
  padTokenId: number;
  rewards: readonly NamedReward[];
  rewardWeights: readonly number[];
  reference: ReferenceLogps | null;
  /** G: completions per prompt. */
  numGenerations: number;
  /**
   * A mixture of experts with output_router_logits: the load-balancing loss's weight; TRL's GRPO adds
   * router_aux_loss_coef * aux_loss of the policy's forward to the loss. null/unset: none.
   */
  routerAuxLossCoef?: number | null;
  sampling: SamplingOptions;
  /** β of the KL to the reference (0: the reference is never run). */
  beta: number;
  /** Optimizer steps per generated batch (μ). */
  numIterations: number;
  maskTruncatedCompletions: boolean;
  /** Sample completions printed at each logging step (0: none). */
  logCompletions: number;
  loggingSteps: number;
  log: (line: string) => void;
}

/** What an algorithm makes of the rewards of a generation batch. */
export interface Advantages {
  /** One per completion, in completion order. */
  advantages: Float64Array;
  /** Logged as this step's metrics (NaN left out). */
  metrics: Record<string, number>;
}

const ROLLOUT_METRICS = [
  'reward',
  'reward_std',
  'frac_reward_zero_std',
  'completions/mean_length',
  'completions/min_length',
  'completions/max_length',
  'completions/clipped_ratio',
] as const;

/**
 * What GRPO and RLOO share (TRL's GRPOTrainer and RLOOTrainer): for each optimizer step, `prepare`
 * samples G completions per prompt from the live policy with the serving engine, lays them out, runs
 * the frozen log-prob passes the algorithm needs (old policy, reference), scores them with the reward
 * functions and turns the rewards into advantages; the loss then compares the policy's log-probs with
 * those. With num_iterations μ > 1 the same completions serve μ steps. Subclasses give the advantages,
 * the loss and its metric names.
 */
export abstract class GroupRolloutTask extends WeightsTask<RolloutExample, RolloutStepBatch> {
  protected readonly metrics: TaskMetrics;
  private cached: RolloutStepBatch[] | null = null;
  private iteration = 0;

  protected constructor(
    protected readonly o: GroupRolloutTaskOptions,
    lossMetricNames: readonly string[],
  ) {
    super(o);
    this.metrics = new TaskMetrics([
      ...ROLLOUT_METRICS,
      ...o.rewards.flatMap((r) => [`rewards/${r.name}/mean`, `rewards/${r.name}/std`]),
      ...lossMetricNames,
      'entropy',
      ...((o.routerAuxLossCoef ?? null) === null ? [] : ['aux_loss']),
    ]);
  }

  /** Whether the loss needs the generating policy's log-probs (else the ratio is taken as 1). */
  protected abstract needsOldLogps(): boolean;

  /** The advantages of a generation batch from its combined rewards (NaN: unscorable). */
  protected abstract advantages(rewards: Float64Array, prepared: readonly PreparedRollout[]): Advantages;

  /**
   * The micro-batch's loss and its metrics (scalars, recorded then disposed by the caller's tidy), from
   * the policy's per-token log-probs and the temperature-scaled hidden states they came from.
   */
  protected abstract policyLoss(
    logps: tf.Tensor2D,
    r: PreparedRollout,
    hidden: tf.Tensor2D,
  ): { loss: tf.Scalar; metrics: Record<string, tf.Scalar | undefined> };

  /** The divisor of the micro-batch's loss (see TrainingTask.lossItems). */
  protected abstract itemsOf(batch: RolloutBatch): number;

  collate(examples: readonly RolloutExample[]): RolloutStepBatch {
    return { examples, rollout: null };
  }

  lossItems(batch: RolloutStepBatch): number {
    return prepared(batch).items;
  }

  tokens(batch: RolloutStepBatch): number {
    return prepared(batch).batch.tokens;
  }

  async prepare(batches: readonly RolloutStepBatch[], context: PrepareContext): Promise<RolloutStepBatch[]> {
    const reuse = this.cached !== null && this.iteration % this.o.numIterations !== 0;
    this.iteration += 1;
    if (reuse) return this.cached!;
    const o = this.o;
    const examples = batches.flatMap((b) => b.examples);
    const seed = context.generator.uint32(1)[0]!;
    o.weights.setTraining(false); // no LoRA dropout while sampling or scoring
    try {
      const completions = await sampleCompletions(
        o.engine(),
        examples.map((e) => e.promptIds),
        o.numGenerations,
        seed,
        o.sampling,
      );
      let start = 0;
      const parts = batches.map((b) => {
        const count = b.examples.length * o.numGenerations;
        const part = completions.slice(start, start + count);
        start += count;
        return { examples: b.examples, rollout: this.layout(b.examples, part) };
      });
      const rows = completions.map((c) => examples[c.prompt]!.row);
      const rewards = await this.rewards(completions, rows);
      const a = this.advantages(
        rewards.rewards,
        parts.map((p) => p.rollout),
      );
      let offset = 0;
      for (const p of parts) {
        const n = p.rollout.batch.rows;
        p.rollout.advantages = Float32Array.from(a.advantages.subarray(offset, offset + n), (v) =>
          Number.isFinite(v) ? v : 0,
        );
        offset += n;
      }
      this.recordHost({ ...rewards.metrics, ...a.metrics, ...lengthMetrics(completions) });
      this.printCompletions(completions, rewards.perFunction, a.advantages, context.step);
      this.cached = parts;
      return parts;
    } finally {
      o.weights.setTraining(true);
    }
  }

  loss(batch: RolloutStepBatch, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar {
    if (reduction === 'mean' || !context.training)
      throw new Error(
        'RL stages evaluate by generating: loss-based evaluation is not supported (--eval_strategy no)',
      );
    this.setTraining(context);
    const r = prepared(batch);
    return tf.tidy(() => {
      const coef = this.o.routerAuxLossCoef ?? null;
      const { logps, hidden, auxLoss } = policyLogps(
        this.o.model,
        r.batch,
        this.o.sampling.temperature,
        coef !== null,
      );
      const out = this.policyLoss(logps, r, hidden);
      this.metrics.record('train', {
        ...out.metrics,
        entropy: meanTokenEntropy(hidden, this.o.model.lmHeadWeight, r.batch.mask),
        ...(auxLoss ? { aux_loss: auxLoss } : {}),
      });
      // The loop divides the step's summed loss by its items: coef * aux_loss is weighted to match.
      return coef !== null && auxLoss ? tf.add(out.loss, tf.mul(auxLoss, coef * r.items)) : out.loss;
    });
  }

  takeMetrics(mode: MetricsMode): Record<string, number> {
    return this.metrics.take(mode);
  }

  /** Frees the metric sums. */
  dispose(): void {
    this.metrics.dispose();
  }

  /** The batch's tensors for a loss: [rows, length] of the given host values. */
  protected matrix(r: PreparedRollout, values: Float32Array): tf.Tensor2D {
    return tf.tensor2d(values, [r.batch.rows, r.batch.length]);
  }

  /** Every completion scored by every reward function, combined with the weights. */
  private async rewards(
    completions: readonly SampledCompletion[],
    rows: readonly RewardRow[],
  ): Promise<{ rewards: Float64Array; perFunction: (number | null)[][]; metrics: Record<string, number> }> {
    const o = this.o;
    const texts = completions.map((c) => c.text);
    const info: CompletionInfo[] = completions.map((c) => ({
      tokenCount: c.completionIds.length,
      truncated: c.truncated,
    }));
    const perFunction = await Promise.all(o.rewards.map(async (r) => [...(await r.fn(texts, rows, info))]));
    // A stage without rewards (distillation) still lays its completions out.
    if (o.rewards.length === 0)
      return { rewards: new Float64Array(completions.length), perFunction, metrics: {} };
    const combined = combineRewards(perFunction, o.rewardWeights);
    if (combined.allNull > 0)
      o.log(`${combined.allNull} completion(s) got no reward from any function; their advantage is 0`);
    const metrics: Record<string, number> = { reward: nanmean(combined.rewards) };
    o.rewards.forEach((r, k) => {
      metrics[`rewards/${r.name}/mean`] = combined.functionMeans[k]!;
      metrics[`rewards/${r.name}/std`] = combined.functionStds[k]!;
    });
    return {
      rewards: Float64Array.from(combined.rewards, (v, i) => (combined.unscorable[i] ? NaN : v)),
      perFunction,
      metrics,
    };
  }

  /** One micro-batch's completions as training rows, with the frozen log-probs the loss needs. */
  protected layout(
    examples: readonly RolloutExample[],
    completions: readonly SampledCompletion[],
  ): PreparedRollout {
    const o = this.o;
    const G = o.numGenerations;
    const rows = completions.map((c, i) => ({
      promptIds: examples[Math.floor(i / G)]!.promptIds,
      completionIds: c.completionIds,
      counted: !(o.maskTruncatedCompletions && c.truncated),
    }));
    const batch = rolloutBatch(rows, o.padTokenId);
    const old = o.numIterations > 1 || this.needsOldLogps();
    return {
      batch,
      advantages: new Float32Array(batch.rows),
      truncated: Uint8Array.from(completions, (c) => (c.truncated ? 1 : 0)),
      oldLogps: old ? frozenLogps(o.model, batch, o.sampling.temperature) : null,
      refLogps: o.beta !== 0 && o.reference ? o.reference(batch) : null,
      items: this.itemsOf(batch),
    };
  }

  private printCompletions(
    completions: readonly SampledCompletion[],
    perFunction: readonly (readonly (number | null)[])[],
    advantages: Float64Array,
    step: number,
  ): void {
    const o = this.o;
    if (o.logCompletions === 0 || !(step === 0 || (step + 1) % o.loggingSteps === 0)) return;
    for (let i = 0; i < Math.min(o.logCompletions, completions.length); i++) {
      const scores = o.rewards.map((r, k) => `${r.name} ${fmt(perFunction[k]![i])}`).join(', ');
      o.log(
        `completion ${i + 1} (step ${step + 1}; ${scores}; advantage ${advantages[i]!.toFixed(3)}): ${JSON.stringify(completions[i]!.text)}`,
      );
    }
  }

  /** Records host numbers (NaN left out) as this step's metrics. */
  private recordHost(values: Record<string, number>): void {
    const tensors = Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => Number.isFinite(v))
        .map(([k, v]) => [k, tf.scalar(v)]),
    );
    this.metrics.record('train', tensors);
    tf.dispose(Object.values(tensors));
  }
}

function lengthMetrics(completions: readonly SampledCompletion[]): Record<string, number> {
  const lengths = completions.map((c) => c.completionIds.length);
  return {
    'completions/mean_length': nanmean(lengths),
    'completions/min_length': Math.min(...lengths),
    'completions/max_length': Math.max(...lengths),
    'completions/clipped_ratio': completions.filter((c) => c.truncated).length / completions.length,
  };
}

function prepared(batch: RolloutStepBatch): PreparedRollout {
  if (batch.rollout === null)
    throw new Error('the batch was not prepared (prepare() generates its completions)');
  return batch.rollout;
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'none' : Number(v.toFixed(3)).toString();
}
