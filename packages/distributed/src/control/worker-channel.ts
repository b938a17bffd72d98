import { DistributedError } from '../distributed-error.js';
import type { Frame } from '../transport/frame-codec.js';
import type { PeerLink } from '../transport/peer-link.js';
import { ControlChannel, seconds, type PeerInfo } from './control-channel.js';
import type { RoundRequest } from './round-request.js';

/** A round this rank waits on. */
interface Waiting {
  operation: string;
  resolve(result: Uint8Array): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Rank 0 names a stuck rank when a round times out; a worker waits this much longer before giving up
 * on rank 0 itself, so the better message usually wins.
 */
const WORKER_GRACE_MS = 5_000;

/** The side of the control channel of every rank but 0: one link, to rank 0. */
export class WorkerChannel extends ControlChannel {
  private readonly waiting = new Map<number, Waiting>();
  private masterLeft = false;
  private closing = false;

  constructor(
    rank: number,
    worldSize: number,
    peers: readonly PeerInfo[],
    blob: Uint8Array,
    timeoutMs: number,
    private readonly link: PeerLink,
    /** "127.0.0.1:29500", for errors. */
    private readonly masterAddress: string,
  ) {
    super(rank, worldSize, peers, blob, timeoutMs);
    link.setHandlers({
      onFrame: (frame) => this.onFrame(frame),
      onClose: (error) => this.onLinkClosed(error),
    });
  }

  exchange(request: RoundRequest, data: Uint8Array, label: string): Promise<Uint8Array> {
    const { seq, operation } = this.nextRound(label);
    if (this.error) return Promise.reject(this.error);
    if (this.masterLeft) {
      const error = new DistributedError(
        `${operation}: rank 0 has left the group (it finished its run) while this rank still runs collectives`,
        operation,
        0,
      );
      this.fail(error);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.noAnswer(seq), this.timeoutMs + WORKER_GRACE_MS);
      this.waiting.set(seq, { operation, resolve, reject, timer });
      this.link.send({ type: 'contribute', seq, request: { ...request, label } }, data);
    });
  }

  abort(reason: string): void {
    this.link.send({ type: 'fail', reason });
    this.fail(new DistributedError(`rank ${this.rank} failed: ${reason}`, 'abort', this.rank));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.link.send({ type: 'bye' });
    this.link.end();
    for (const w of this.waiting.values()) clearTimeout(w.timer);
  }

  protected override fail(error: DistributedError): void {
    if (this.error) return;
    super.fail(error);
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiting.clear();
    this.link.end();
  }

  private onFrame({ header, body }: Frame): void {
    if (header.type === 'result') {
      const seq = header.seq as number;
      const w = this.waiting.get(seq);
      if (!w) return;
      clearTimeout(w.timer);
      this.waiting.delete(seq);
      w.resolve(body);
    } else if (header.type === 'abort') {
      const rank = typeof header.rank === 'number' ? header.rank : undefined;
      this.fail(new DistributedError(String(header.message), String(header.operation ?? 'abort'), rank));
    } else if (header.type === 'bye') {
      this.masterLeft = true;
      const w = [...this.waiting.values()][0];
      if (w) {
        this.fail(
          new DistributedError(
            `${w.operation}: rank 0 has left the group (it finished its run) while this rank waited`,
            w.operation,
            0,
          ),
        );
      }
    }
  }

  private onLinkClosed(error: Error | undefined): void {
    if (this.closing || this.masterLeft) return;
    const w = [...this.waiting.values()][0];
    const why = error ? `: ${error.message}` : '';
    this.fail(
      new DistributedError(
        `lost the connection to ${this.describeRank(0)} at ${this.masterAddress}` +
          `${w ? ` during ${w.operation}` : ''} (it exited or crashed)${why}`,
        w?.operation ?? 'connection',
        0,
      ),
    );
  }

  private noAnswer(seq: number): void {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.fail(
      new DistributedError(
        `${w.operation}: no answer from ${this.describeRank(0)} within ${seconds(this.timeoutMs + WORKER_GRACE_MS)}`,
        w.operation,
        0,
      ),
    );
  }
}
