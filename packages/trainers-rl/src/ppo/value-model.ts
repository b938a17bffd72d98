import { noGrad, tf } from '@medgpt/core-tensor';
import { linear, type CausalLM } from '@medgpt/models';
import { rolloutInputs } from '../rollout/policy-logps.js';
import type { RolloutBatch } from '../rollout/rollout-batch.js';

/**
 * PPO's value model, as TRL's PPOTrainer has it: a sequence classifier with one label (by default the
 * reward model's weights) whose score head is read at every position, trained in full beside the
 * policy. Its variables are named `value_model/<HF name>` so they never collide with the policy's.
 */
export class ValueModel {
  readonly parameters: tf.Variable[];

  constructor(readonly model: CausalLM) {
    if (model.config.numLabels !== 1)
      throw new Error('the value model must be a sequence classifier with one label (a medgpt rm output)');
    this.parameters = [...model.weights].map(([name, w]) => {
      const v = tf.variable(w, true, `value_model/${name}`);
      model.setWeight(name, v);
      return v;
    });
  }

  /** V at every position of the batch, [rows, length] (position t values the state after token t). */
  values(batch: RolloutBatch): tf.Tensor2D {
    return tf.tidy(() => {
      const { inputIds, attentionMask } = rolloutInputs(batch);
      const hidden = this.model.hiddenStates({ inputIds, attentionMask });
      return tf.reshape(linear(hidden, this.model.scoreWeight), [batch.rows, batch.length]) as tf.Tensor2D;
    });
  }

  /** `values` off the tape, on the host. */
  frozenValues(batch: RolloutBatch): Float32Array {
    return noGrad(() => {
      const v = this.values(batch);
      const out = v.dataSync() as Float32Array;
      v.dispose();
      return out;
    });
  }

  dispose(): void {
    this.model.dispose(); // the variables replaced its weights, so this frees them
  }
}
