import { DistributedError } from '../distributed-error.js';
import type { Frame } from '../transport/frame-codec.js';
import type { PeerLink } from '../transport/peer-link.js';
import { computeRound } from './compute-round.js';
import { ControlChannel, seconds, type PeerInfo } from './control-channel.js';
import { describeRequest, sameRequest, type RoundRequest } from './round-request.js';

/** One round in progress on rank 0. */
interface Round {
  operation: string;
  requests: (RoundRequest | undefined)[];
  inputs: (Uint8Array | undefined)[];
  arrived: number;
  timer: NodeJS.Timeout;
  /** Rank 0's own call, once it has made it. */
  local?: { resolve(result: Uint8Array): void; reject(error: Error): void };
}

/** Rank 0's side of the control channel: it holds a link to every other rank and runs the rounds. */
export class MasterChannel extends ControlChannel {
  private readonly rounds = new Map<number, Round>();
  private readonly left = new Set<number>();
  private closing = false;

  constructor(
    worldSize: number,
    peers: readonly PeerInfo[],
    blob: Uint8Array,
    timeoutMs: number,
    private readonly links: ReadonlyMap<number, PeerLink>,
  ) {
    super(0, worldSize, peers, blob, timeoutMs);
    for (const [rank, link] of links) {
      link.setHandlers({
        onFrame: (frame) => this.onFrame(rank, frame),
        onClose: (error) => this.onLinkClosed(rank, error),
      });
    }
  }

  exchange(request: RoundRequest, data: Uint8Array, label: string): Promise<Uint8Array> {
    const { seq, operation } = this.nextRound(label);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const round = this.round(seq, operation);
      round.operation = operation; // a worker may have opened the round under a generic name
      round.local = { resolve, reject };
      this.contribute(seq, 0, { ...request, label }, data);
    });
  }

  abort(reason: string): void {
    this.fail(new DistributedError(`rank 0 failed: ${reason}`, 'abort', 0));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const link of this.links.values()) {
      link.send({ type: 'bye' });
      link.end();
    }
    for (const round of this.rounds.values()) clearTimeout(round.timer);
  }

  protected override fail(error: DistributedError): void {
    if (this.error) return;
    super.fail(error);
    for (const round of this.rounds.values()) {
      clearTimeout(round.timer);
      round.local?.reject(error);
    }
    this.rounds.clear();
    for (const link of this.links.values()) {
      link.send({ type: 'abort', message: error.message, operation: error.operation, rank: error.rank });
      link.end();
    }
  }

  private round(seq: number, operation: string): Round {
    let round = this.rounds.get(seq);
    if (round === undefined) {
      round = {
        operation,
        requests: new Array(this.worldSize),
        inputs: new Array(this.worldSize),
        arrived: 0,
        timer: setTimeout(() => this.timedOut(seq), this.timeoutMs),
      };
      this.rounds.set(seq, round);
      const gone = [...this.left].find((r) => round!.requests[r] === undefined);
      if (gone !== undefined) this.rankLeft(gone, operation);
    }
    return round;
  }

  private contribute(seq: number, rank: number, request: RoundRequest, data: Uint8Array): void {
    if (this.error) return;
    const round = this.round(seq, `${request.kind} #${seq}`);
    if (round.requests[rank] !== undefined) {
      this.fail(
        new DistributedError(`${round.operation}: rank ${rank} contributed twice`, round.operation, rank),
      );
      return;
    }
    const first = round.requests.find((r) => r !== undefined);
    if (first !== undefined && !sameRequest(first, request)) {
      const other = round.requests.indexOf(first);
      this.fail(
        new DistributedError(
          `${round.operation}: the ranks called different collectives: rank ${other} ` +
            `${describeRequest(first, round.inputs[other]!.byteLength)}, rank ${rank} ` +
            `${describeRequest(request, data.byteLength)} (every rank must run the same steps)`,
          round.operation,
          rank,
        ),
      );
      return;
    }
    round.requests[rank] = request;
    round.inputs[rank] = data;
    round.arrived += 1;
    if (round.arrived === this.worldSize && round.local) this.complete(seq, round);
  }

  private complete(seq: number, round: Round): void {
    clearTimeout(round.timer);
    this.rounds.delete(seq);
    let results: Uint8Array[];
    try {
      results = computeRound(round.requests[0]!, round.inputs as Uint8Array[], round.operation);
    } catch (err) {
      this.fail(err as DistributedError);
      return;
    }
    for (const [rank, link] of this.links) link.send({ type: 'result', seq }, results[rank]);
    round.local!.resolve(results[0]!);
  }

  private onFrame(rank: number, { header, body }: Frame): void {
    if (header.type === 'contribute') {
      const seq = header.seq as number;
      this.contribute(seq, rank, header.request as RoundRequest, body);
      // Rank 0 may not have started this round yet; it completes when rank 0 contributes.
    } else if (header.type === 'fail') {
      this.fail(
        new DistributedError(`${this.describeRank(rank)} failed: ${String(header.reason)}`, 'abort', rank),
      );
    } else if (header.type === 'bye') {
      this.left.add(rank);
      const waiting = [...this.rounds.values()].find((r) => r.requests[rank] === undefined);
      if (waiting) this.rankLeft(rank, waiting.operation);
    }
  }

  private onLinkClosed(rank: number, error: Error | undefined): void {
    if (this.closing || this.left.has(rank)) return;
    const why = error ? `: ${error.message}` : '';
    this.fail(
      new DistributedError(
        `${this.describeRank(rank)} closed its connection without leaving the group (it exited or crashed)${why}`,
        this.pendingOperation() ?? 'connection',
        rank,
      ),
    );
  }

  private rankLeft(rank: number, operation: string): void {
    this.fail(
      new DistributedError(
        `${operation}: ${this.describeRank(rank)} has left the group (it finished its run) while the others still run collectives`,
        operation,
        rank,
      ),
    );
  }

  private timedOut(seq: number): void {
    const round = this.rounds.get(seq);
    if (!round) return;
    const missing: number[] = [];
    for (let r = 0; r < this.worldSize; r++) if (round.requests[r] === undefined) missing.push(r);
    const arrived = round.requests.flatMap((req, r) => (req === undefined ? [] : [r]));
    this.fail(
      new DistributedError(
        `${round.operation} timed out after ${seconds(this.timeoutMs)} waiting for ` +
          `${missing.map((r) => this.describeRank(r)).join(', ')}` +
          (arrived.length > 0 ? ` (rank ${arrived.join(', ')} arrived)` : '') +
          '; a rank is stuck or much slower than the others (raise --ddp_timeout if that is expected)',
        round.operation,
        missing[0],
      ),
    );
  }

  private pendingOperation(): string | undefined {
    return [...this.rounds.values()][0]?.operation;
  }
}
