import type { tf } from '@medgpt/core-tensor';
import type { DistributedError } from './distributed-error.js';
import type { ReduceOp } from './reduce-op.js';

/** What moves the tensors: TCP through rank 0 (any backend, host copies) or NCCL (cuda, device to device). */
export type CommunicatorBackend = 'tcp' | 'nccl';

/**
 * The collectives one rank of a process group runs. Every rank must call the same collectives in the
 * same order with the same sizes; a rank that does not, dies, or falls behind past the timeout fails
 * every rank's pending and later calls with a DistributedError naming it.
 *
 * Tensor collectives take float32 tensors and return new tensors (tfjs tensors are immutable; on
 * NCCL the result is written straight into fresh device memory). The input is never disposed.
 * Host collectives work in place on typed arrays.
 */
export interface Communicator {
  readonly rank: number;
  readonly worldSize: number;
  /** Rank on this node (the GPU it uses). */
  readonly localRank: number;
  readonly backend: CommunicatorBackend;
  /** The failure that broke the group, once one has. */
  readonly error: DistributedError | null;

  /** Every rank's `x` combined element-wise (sum by default); same shape. */
  allReduce(x: tf.Tensor, op?: ReduceOp): Promise<tf.Tensor>;
  /** The combined `x` split along axis 0 into worldSize parts; this rank's part. */
  reduceScatter(x: tf.Tensor, op?: ReduceOp): Promise<tf.Tensor>;
  /** Every rank's `x` concatenated along axis 0, in rank order. */
  allGather(x: tf.Tensor): Promise<tf.Tensor>;
  /** Rank `root`'s `x` (default 0) on every rank. */
  broadcast(x: tf.Tensor, root?: number): Promise<tf.Tensor>;

  /** allReduce in place on host memory. */
  allReduceBuffer(values: Float32Array, op?: ReduceOp): Promise<void>;
  /** A few numbers combined across ranks (float64: counts stay exact). */
  allReduceNumbers(values: readonly number[], op?: ReduceOp): Promise<number[]>;
  /** Every rank's JSON-serialisable value, in rank order. */
  allGatherObject<T>(value: T): Promise<T[]>;
  /** Rank `root`'s value on every rank. */
  broadcastObject<T>(value: T, root?: number): Promise<T>;
  /** Waits until every rank has reached this point. */
  barrier(): Promise<void>;

  /** Makes the other ranks fail now, with `reason` (call it when this rank cannot go on). */
  abort(reason: string): void;
  /** Leaves the group and frees what the communicator holds. */
  destroy(): Promise<void>;
}
