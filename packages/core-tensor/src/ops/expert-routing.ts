import { ExpertRouting } from '../kernel-names.js';
import { tf } from '../tf.js';

/** A mixture of experts' routing with its slots sorted by expert (see expertRouting). */
export interface ExpertRoutingResult {
  /** int32 [T * k]: slot t * k + j's expert, token t's j-th choice (largest probability first). */
  experts: tf.Tensor1D;
  /** int32 [E]: slots per expert (the groups of groupedMatMul). */
  groupSizes: tf.Tensor1D;
  /** int32 [T * k]: the slots sorted by expert, each expert's in slot order -> the token of the slot. */
  tokenOfPosition: tf.Tensor1D;
  /** int32 [T * k]: slot -> its position in that order. */
  positionOfSlot: tf.Tensor1D;
}

/**
 * transformers' top-k expert choice (torch.topk of the router's probabilities: the k largest per row,
 * largest first; ties go to the lower expert) and the counting sort that groups the tokens by expert, in
 * one kernel that a device backend runs without a host read. `probs` float32 [T, E]. The outputs are
 * integers and carry no gradient (the routing weights are gathered from `probs` by the caller).
 */
export function expertRouting(probs: tf.Tensor2D, k: number): ExpertRoutingResult {
  if (probs.rank !== 2 || probs.dtype !== 'float32')
    throw new Error(
      `expertRouting: probs must be float32 [tokens, experts], got ${probs.dtype} [${probs.shape}]`,
    );
  if (!Number.isInteger(k) || k < 1 || k > probs.shape[1])
    throw new Error(`expertRouting: k must be an integer in [1, ${probs.shape[1]}] (the experts), got ${k}`);
  const [experts, groupSizes, tokenOfPosition, positionOfSlot] = tf
    .engine()
    .runKernel(ExpertRouting, { probs }, { k }) as tf.Tensor1D[];
  return {
    experts: experts!,
    groupSizes: groupSizes!,
    tokenOfPosition: tokenOfPosition!,
    positionOfSlot: positionOfSlot!,
  };
}
