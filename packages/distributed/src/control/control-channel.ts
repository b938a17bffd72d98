import { DistributedError } from '../distributed-error.js';
import type { RoundRequest } from './round-request.js';

/** What the rendezvous learnt about each rank. */
export interface PeerInfo {
  rank: number;
  localRank: number;
  host: string;
  pid: number;
  /** The tensor transport the rank will use ('tcp' or 'nccl'); all ranks agree. */
  backend: string;
}

/**
 * The connections the rendezvous leaves between the ranks: a star around rank 0, which runs every
 * round (collects each rank's contribution, combines them, answers). It carries host data for the
 * TCP communicator and small control data (counts, flags, RNG states) beside NCCL, and it is where
 * the group learns that a rank died: the first failure is kept, every waiting and later round rejects
 * with it.
 */
export abstract class ControlChannel {
  private failure: DistributedError | null = null;
  private readonly listeners = new Set<(error: DistributedError) => void>();
  /** Rounds started by this rank; every rank numbers them alike. */
  protected seq = 0;

  protected constructor(
    readonly rank: number,
    readonly worldSize: number,
    readonly peers: readonly PeerInfo[],
    /** What rank 0 handed every rank at the rendezvous (the NCCL unique id), or empty. */
    readonly blob: Uint8Array,
    /** How long a round may wait for the slowest rank. */
    readonly timeoutMs: number,
  ) {}

  /** One collective round: this rank's contribution in, its share of the result out. */
  abstract exchange(request: RoundRequest, data: Uint8Array, label: string): Promise<Uint8Array>;

  /** Tells the other ranks that this one is failing (they stop with `reason`), without waiting. */
  abstract abort(reason: string): void;

  /** Leaves the group: later rounds of the others fail naming this rank. */
  abstract close(): Promise<void>;

  /** The failure that broke the group, if one has. */
  get error(): DistributedError | null {
    return this.failure;
  }

  /** Called once, with the failure, when the group breaks. */
  onFailure(listener: (error: DistributedError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Numbers the next round and names it for errors, e.g. "allReduce #12". */
  protected nextRound(label: string): { seq: number; operation: string } {
    const seq = this.seq++;
    return { seq, operation: `${label} #${seq}` };
  }

  /** Records the first failure and tells the listeners; later ones are ignored. */
  protected fail(error: DistributedError): void {
    if (this.failure) return;
    this.failure = error;
    for (const listener of this.listeners) listener(error);
  }

  /** "rank 2 (pid 123 on gpu-3)". */
  describeRank(rank: number): string {
    const peer = this.peers[rank];
    return peer ? `rank ${rank} (pid ${peer.pid} on ${peer.host})` : `rank ${rank}`;
  }
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
