import { noGrad, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { PrepareContext } from '@medgpt/trainer';
import { generalizedJsd } from '../losses/generalized-jsd.js';
import {
  GroupRolloutTask,
  type Advantages,
  type GroupRolloutTaskOptions,
  type PreparedRollout,
  type RolloutStepBatch,
} from '../rollout/group-rollout-task.js';
import { rolloutInputs } from '../rollout/policy-logps.js';

export interface DistillTaskOptions extends GroupRolloutTaskOptions {
  teacher: CausalLM;
  tokenizer: Tokenizer;
  /** Share of steps trained on the student's own samples; the rest on the dataset's answers. */
  lmbda: number;
  /** 0: forward KL(teacher || student), 1: reverse KL, between: generalised JSD (TRL's GKD beta). */
  jsdBeta: number;
}

/**
 * On-policy distillation as TRL's GKDTrainer (MedicalGPT's opd_training.py) runs it: with probability
 * lmbda a step's completions are sampled from the student by the serving engine, else they are the
 * dataset's answers; the teacher scores the same tokens, and the loss is the generalised JSD between the
 * two next-token distributions (both at the sampling temperature) at every completion token.
 */
export class DistillTask extends GroupRolloutTask {
  constructor(private readonly d: DistillTaskOptions) {
    super(d, []);
  }

  override async prepare(
    batches: readonly RolloutStepBatch[],
    context: PrepareContext,
  ): Promise<RolloutStepBatch[]> {
    // One draw per step from the trainer's stream: reproducible, and resumed runs draw the same.
    const onPolicy = context.generator.uint32(1)[0]! / 2 ** 32 < this.d.lmbda;
    if (onPolicy) return super.prepare(batches, context);
    const eos = this.d.tokenizer.eosTokenId;
    return batches.map((b) => ({
      examples: b.examples,
      rollout: this.layout(
        b.examples,
        b.examples.map((e, i) => {
          const answer = typeof e.row.answer === 'string' ? e.row.answer : '';
          const ids = this.d.tokenizer.encode(answer, { addSpecialTokens: false });
          return {
            prompt: i,
            completionIds: eos === null ? ids : [...ids, eos],
            text: answer,
            truncated: false,
          };
        }),
      ),
    }));
  }

  protected needsOldLogps(): boolean {
    return false;
  }

  protected itemsOf(): number {
    return 1; // the loss is a mean over the micro-batch's completion tokens
  }

  protected advantages(rewards: Float64Array): Advantages {
    return { advantages: new Float64Array(rewards.length), metrics: {} };
  }

  protected policyLoss(_logps: tf.Tensor2D, r: PreparedRollout, hidden: tf.Tensor2D) {
    const o = this.d;
    const rows = tf.tensor1d(
      Array.from(r.batch.mask.keys()).filter((i) => r.batch.mask[i]! > 0),
      'int32',
    );
    const student = tf.matMul(tf.gather(hidden, rows), o.model.lmHeadWeight, false, true) as tf.Tensor2D;
    const teacher = noGrad(() => {
      const { inputIds, attentionMask } = rolloutInputs(r.batch);
      const h = o.teacher.hiddenStates({ inputIds, attentionMask });
      const scaled = tf.mul(tf.gather(h, rows), 1 / o.sampling.temperature) as tf.Tensor2D;
      return tf.matMul(scaled, o.teacher.lmHeadWeight, false, true) as tf.Tensor2D;
    });
    // Both sets of logits are already divided by the temperature.
    return { loss: generalizedJsd(student, teacher, { beta: o.jsdBeta }), metrics: {} };
  }
}
