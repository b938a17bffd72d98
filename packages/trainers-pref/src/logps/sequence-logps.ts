import { noGrad, tf } from '@medgpt/core-tensor';
import { shiftLabels, type CausalLM } from '@medgpt/models';
import {
  batchInputs,
  completionLabels,
  completionLengths,
  type CompletionBatch,
} from './completion-batch.js';

/** Per row of a batch: the completion's log-probability under a model, and what metrics need. */
export interface SequenceLogps {
  /** [rows]: Σ over completion tokens of log p(token | everything before it). */
  sum: tf.Tensor1D;
  /** Completion tokens per row (host). */
  lengths: Float32Array;
  /**
   * [rows]: Σ over the completion's positions of the mean logit over the vocabulary (TRL's logits/*
   * metric is these summed over rows divided by the tokens). Detached; only with `meanLogits`.
   */
  logitSums?: tf.Tensor1D;
  /** [rows]: Σ over every real token but the first (prompt and completion); only with `wholeSequence`. */
  wholeSum?: tf.Tensor1D;
  /** Tokens wholeSum counts per row (host). */
  wholeLengths?: Float32Array;
  /** The mixture of experts' load-balancing loss of this forward; only with `routerAux`. */
  auxLoss?: tf.Scalar;
}

export interface SequenceLogpsOptions {
  /** Also compute logitSums (a [tokens, hidden] x [hidden] product; no [tokens, vocab] logits). */
  meanLogits?: boolean;
  /** Also score every real token (ORPO's NLL runs over prompt + answer, as TRL computes it). */
  wholeSequence?: boolean;
  /** Also the routers' load-balancing loss of the forward (a mixture of experts; TRL's aux_loss). */
  routerAux?: boolean;
}

/**
 * The summed completion log-probs of every row (TRL's `logps`), through the fused chunked log-prob op:
 * the [tokens, vocab] logits are never materialised. Differentiable w.r.t. the model's trained
 * weights when called on a tape; call it under noGrad for a reference model.
 */
export function sequenceLogps(
  model: CausalLM,
  batch: CompletionBatch,
  options: SequenceLogpsOptions = {},
): SequenceLogps {
  const lengths = completionLengths(batch);
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  const whole = options.wholeSequence ? wholeSequenceLabels(batch) : null;
  const out = tf.tidy(() => {
    const { hidden, auxLoss } = options.routerAux
      ? model.hiddenStatesWithRouterAux(batchInputs(batch), 'sequenceLogps')
      : { hidden: model.hiddenStates(batchInputs(batch)), auxLoss: undefined };
    const completion = shiftLabels(tf.tensor2d(completionLabels(batch), shape, 'int32'));
    // One pass over the LM head either way: the scored positions only decide which log-probs are kept.
    const scored = whole ? shiftLabels(tf.tensor2d(whole.labels, shape, 'int32')) : completion;
    // The model's head op: fused and chunked for a linear head, right for Gemma 2's soft-capped one too.
    const perToken = tf.reshape(model.headTokenLogprobs(hidden, scored), shape);
    const inCompletion = whole ? tf.reshape(tf.cast(tf.notEqual(completion, -100), 'float32'), shape) : null;
    const sum = tf.sum(inCompletion ? tf.mul(perToken, inCompletion) : perToken, 1) as tf.Tensor1D;
    const wholeSum = whole ? (tf.sum(perToken, 1) as tf.Tensor1D) : undefined;
    if (!options.meanLogits) return { sum, wholeSum, auxLoss };
    const logitSums = noGrad(() => {
      // The vocabulary-mean logit of every position (for a linear head, h·mean_v(w_v): one matvec).
      const perPosition = tf.reshape(model.headMeanLogits(hidden), shape);
      const counted = tf.reshape(tf.notEqual(completion, -100), shape);
      return tf.sum(tf.mul(perPosition, tf.cast(counted, 'float32')), 1) as tf.Tensor1D;
    });
    return { sum, wholeSum, logitSums, auxLoss };
  });
  return { ...out, lengths, ...(whole ? { wholeLengths: whole.lengths } : {}) };
}

/** Every real token as a label, and how many of them are predicted per row (all but the first). */
function wholeSequenceLabels(batch: CompletionBatch): { labels: Int32Array; lengths: Float32Array } {
  const labels = Int32Array.from(batch.inputIds, (id, i) => (batch.attentionMask[i] ? id : -100));
  const lengths = new Float32Array(batch.batchSize);
  for (let b = 0; b < batch.batchSize; b++) {
    let n = 0;
    for (let t = b * batch.seqLength; t < (b + 1) * batch.seqLength; t++) n += batch.attentionMask[t]!;
    lengths[b] = Math.max(n - 1, 0);
  }
  return { labels, lengths };
}

/** Summed log-probs [rows] over their token counts (at least 1): TRL's `average_log_prob`. */
export function perTokenMean(sums: tf.Tensor1D, lengths: ArrayLike<number>): tf.Tensor1D {
  return tf.tidy(() => tf.div(sums, tf.maximum(tf.tensor1d(Float32Array.from(lengths)), 1)));
}
