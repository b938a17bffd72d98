import { GradientAccumulator, tf, valueAndGrads, type Generator } from '@medgpt/core-tensor';
import type { TrainingTask } from '../training-task.js';

/** The gradients of one optimizer step and what was seen computing them. */
export interface StepGradients {
  /** Keyed by variable name; owned by the caller (dispose them). */
  grads: tf.NamedTensorMap;
  /** The step's loss: a token mean over all its micro-batches (HF's logged loss for the step). */
  loss: number;
  /** Real tokens in the step's micro-batches. */
  tokens: number;
  /** HF's num_items_in_batch for the step. */
  lossItems: number;
}

/**
 * Forward and backward over the micro-batches of one optimizer step, as transformers' Trainer does
 * it: every micro-batch's summed token loss is divided by the step's total num_items_in_batch, so
 * the accumulated gradient is that of the token-mean loss over the whole step. `lossScale` is the
 * precision policy's (fp16); the gradients come back unscaled. In a multi-process run
 * `globalLossItems` is the total over every rank's micro-batches (transformers'
 * average_tokens_across_devices): the ranks' gradients and losses then sum to the single-process ones.
 */
export function stepGradients<B>(
  task: TrainingTask<unknown, B>,
  batches: readonly B[],
  generator: Generator,
  lossScale = 1,
  globalLossItems?: number,
): StepGradients {
  const lossItems = globalLossItems ?? batches.reduce((sum, b) => sum + task.lossItems(b), 0);
  const tokens = batches.reduce((sum, b) => sum + task.tokens(b), 0);
  // A step whose labels are all ignored has a zero summed loss: divide by 1 rather than by 0.
  const factor = lossScale / Math.max(lossItems, 1);
  const variables = task.parameters as tf.Variable[];
  const context = { training: true, generator, stepLossItems: Math.max(lossItems, 1) };
  // The micro-batch losses stay on the device and are read once per optimizer step (one host sync
  // however many micro-batches are accumulated).
  let lossSum: tf.Scalar | null = null;
  let grads: tf.NamedTensorMap = {};
  const accumulator = batches.length > 1 ? new GradientAccumulator() : null;
  try {
    for (const batch of batches) {
      // core-tensor's backward driver: tf.variableGrads' results, but memory is freed during backward
      // (and checkpointed layers can hand back the gradients of weights they read through closures).
      const { value, grads: micro } = valueAndGrads(
        () => tf.mul(task.loss(batch, 'sum', context), factor) as tf.Scalar,
        variables,
      );
      if (lossSum === null) lossSum = value;
      else {
        const next: tf.Scalar = tf.add(lossSum, value);
        lossSum.dispose();
        value.dispose();
        lossSum = next;
      }
      if (accumulator === null) grads = micro;
      else {
        accumulator.add(micro);
        tf.dispose(Object.values(micro));
      }
    }
    if (accumulator !== null) grads = accumulator.result('sum');
  } catch (err) {
    lossSum?.dispose();
    throw err;
  } finally {
    accumulator?.dispose();
  }
  const loss = lossSum === null ? 0 : lossSum.dataSync()[0]! / lossScale;
  lossSum?.dispose();
  if (lossScale !== 1) grads = unscale(grads, lossScale);
  return { grads, loss, tokens, lossItems };
}

function unscale(grads: tf.NamedTensorMap, scale: number): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  const inverse = tf.scalar(1 / scale);
  for (const [name, g] of Object.entries(grads)) {
    out[name] = tf.mul(g, inverse);
    g.dispose();
  }
  inverse.dispose();
  return out;
}
