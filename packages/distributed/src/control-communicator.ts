import { tf } from '@medgpt/core-tensor';
import type { Communicator, CommunicatorBackend } from './communicator.js';
import type { ControlChannel } from './control/control-channel.js';
import { splitGather } from './control/compute-round.js';
import { allReduceHost } from './control/host-collectives.js';
import type { DistributedError } from './distributed-error.js';
import type { ReduceOp } from './reduce-op.js';

/**
 * What every communicator does over the control channel whatever moves its tensors: host numbers and
 * objects, barriers, failure, leaving. TcpCommunicator and NcclCommunicator add the tensor collectives.
 */
export abstract class ControlCommunicator implements Communicator {
  abstract readonly backend: CommunicatorBackend;
  /** Calls on the channel, chained so they start in call order (each rank numbers rounds alike). */
  private tail: Promise<unknown> = Promise.resolve();

  protected constructor(
    readonly channel: ControlChannel,
    readonly localRank: number,
  ) {}

  get rank(): number {
    return this.channel.rank;
  }

  get worldSize(): number {
    return this.channel.worldSize;
  }

  get error(): DistributedError | null {
    return this.channel.error;
  }

  abstract allReduce(x: tf.Tensor, op?: ReduceOp): Promise<tf.Tensor>;
  abstract reduceScatter(x: tf.Tensor, op?: ReduceOp): Promise<tf.Tensor>;
  abstract allGather(x: tf.Tensor): Promise<tf.Tensor>;
  abstract broadcast(x: tf.Tensor, root?: number): Promise<tf.Tensor>;

  allReduceBuffer(values: Float32Array, op: ReduceOp = 'sum'): Promise<void> {
    return this.serial(async () => {
      if (this.worldSize > 1) await allReduceHost(this.channel, values, op);
    });
  }

  allReduceNumbers(values: readonly number[], op: ReduceOp = 'sum'): Promise<number[]> {
    const host = Float64Array.from(values);
    return this.serial(async () => {
      if (this.worldSize > 1) await allReduceHost(this.channel, host, op);
      return Array.from(host);
    });
  }

  allGatherObject<T>(value: T): Promise<T[]> {
    const mine = new TextEncoder().encode(JSON.stringify(value ?? null));
    return this.serial(async () => {
      const all = await this.channel.exchange({ kind: 'gather', dtype: 'bytes' }, mine, 'allGatherObject');
      const decoder = new TextDecoder();
      return splitGather(all).map((bytes) => JSON.parse(decoder.decode(bytes)) as T);
    });
  }

  broadcastObject<T>(value: T, root = 0): Promise<T> {
    const mine =
      this.rank === root ? new TextEncoder().encode(JSON.stringify(value ?? null)) : new Uint8Array(0);
    return this.serial(async () => {
      const bytes = await this.channel.exchange(
        { kind: 'broadcast', dtype: 'bytes', root },
        mine,
        'broadcastObject',
      );
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    });
  }

  barrier(): Promise<void> {
    return this.serial(async () => {
      await this.channel.exchange(
        { kind: 'allReduce', dtype: 'f32', op: 'sum' },
        new Uint8Array(0),
        'barrier',
      );
    });
  }

  abort(reason: string): void {
    this.channel.abort(reason);
  }

  async destroy(): Promise<void> {
    await this.channel.close();
  }

  /**
   * Runs `f` once the calls made before it have started their rounds. Their results may still be
   * pending: only the order of the rounds matters.
   */
  protected serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.tail.then(f, f);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** Throws unless `x` is float32, naming the collective. */
export function checkFloat32(x: tf.Tensor, operation: string): void {
  if (x.dtype !== 'float32') {
    throw new TypeError(
      `${operation}: the tensor is ${x.dtype}[${x.shape}]; collectives move float32 tensors`,
    );
  }
}

/** Throws unless axis 0 of `x` splits into `world` equal parts. */
export function checkSplits(x: tf.Tensor, world: number, operation: string): void {
  const rows = x.rank === 0 ? 1 : x.shape[0]!;
  if (rows % world !== 0) {
    throw new RangeError(
      `${operation}: axis 0 of [${x.shape}] does not split into ${world} equal parts (one per rank)`,
    );
  }
}

/** `x`'s shape with axis 0 multiplied by `factor` (allGather) or divided (reduceScatter). */
export function scaledShape(x: tf.Tensor, factor: number): number[] {
  const shape = x.rank === 0 ? [1] : [...x.shape];
  shape[0] = shape[0]! * factor;
  return shape;
}
