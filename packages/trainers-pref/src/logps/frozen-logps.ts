import { noGrad, type tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { CompletionBatch } from './completion-batch.js';
import { sequenceLogps } from './sequence-logps.js';

/**
 * Summed completion log-probs [rows] without a tape (torch's no_grad): a reference model's, or the
 * policy's where TRL detaches them (KTO's KL estimate). Activation checkpointing is switched off for
 * the pass: with nothing to differentiate there is nothing to recompute.
 */
export function frozenLogps(model: CausalLM, batch: CompletionBatch): tf.Tensor1D {
  const checkpointing = model.gradientCheckpointing;
  model.gradientCheckpointing = false;
  try {
    return noGrad(() => sequenceLogps(model, batch).sum);
  } finally {
    model.gradientCheckpointing = checkpointing;
  }
}
