import type { tf } from '@medgpt/core-tensor';
import type { CommunicatorBackend } from '../communicator.js';
import { checkFloat32, checkSplits, ControlCommunicator, scaledShape } from '../control-communicator.js';
import { seconds, type ControlChannel } from '../control/control-channel.js';
import { DistributedError } from '../distributed-error.js';
import type { ReduceOp } from '../reduce-op.js';
import { cudaBackendAccess, tensorFromInfo, type CudaBackendAccess } from './cuda-backend-access.js';
import type { LoadedNccl } from './load-nccl.js';
import { NCCL_FLOAT32, NCCL_REDUCE_OPS, NCCL_RESULT, NCCL_UNIQUE_ID_BYTES, type Handle } from './nccl-api.js';
import { checkNccl } from './nccl-error.js';
import { StreamWaiter } from './stream-waiter.js';

/**
 * Collectives by NCCL on the cuda backend's device memory, queued on the backend's one stream (so they
 * are ordered with the kernels around them and need no extra synchronisation). Each call resolves
 * when its collective has run; the wait polls an event instead of blocking, and aborts the NCCL
 * communicator when the control channel reports a dead rank or the timeout passes, so a failed rank
 * never leaves the others hanging in a kernel. The control channel (TCP) still carries host numbers,
 * objects and barriers.
 */
export class NcclCommunicator extends ControlCommunicator {
  readonly backend: CommunicatorBackend = 'nccl';
  private comm: Handle | null;
  private seq = 0;

  private constructor(
    channel: ControlChannel,
    localRank: number,
    private readonly nccl: LoadedNccl,
    private readonly device: CudaBackendAccess,
    comm: Handle,
    private readonly waiter: StreamWaiter,
  ) {
    super(channel, localRank);
    this.comm = comm;
    channel.onFailure(() => this.abortComm());
  }

  /**
   * Builds the NCCL communicator of a group whose rendezvous handed out rank 0's unique id (the
   * channel's blob). ncclCommInitRank runs on this thread, where the cuda backend's context is current.
   */
  static async create(
    channel: ControlChannel,
    localRank: number,
    nccl: LoadedNccl,
  ): Promise<NcclCommunicator> {
    const device = cudaBackendAccess();
    if (channel.blob.byteLength !== NCCL_UNIQUE_ID_BYTES) {
      throw new DistributedError(
        `NCCL init: rank 0 handed out ${channel.blob.byteLength} bytes at the rendezvous; an NCCL unique id has ${NCCL_UNIQUE_ID_BYTES}`,
        'ncclCommInitRank',
        0,
      );
    }
    const comm: [Handle | null] = [null];
    const status = nccl.api.ncclCommInitRank(
      comm,
      channel.worldSize,
      { internal: channel.blob },
      channel.rank,
    );
    checkNccl(status, 'ncclCommInitRank', 'init', channel.rank, (s) => describe(nccl, null, s));
    const waiter = StreamWaiter.create(nccl.koffi, device.runtime.stream);
    return new NcclCommunicator(channel, localRank, nccl, device, comm[0]!, waiter);
  }

  /** A new NCCL unique id (rank 0 makes it before the rendezvous and hands it to every rank). */
  static uniqueId(nccl: LoadedNccl): Uint8Array {
    const id = new Uint8Array(NCCL_UNIQUE_ID_BYTES);
    checkNccl(nccl.api.ncclGetUniqueId(id), 'ncclGetUniqueId', 'init', 0, (s) => describe(nccl, null, s));
    return id;
  }

  async allReduce(x: tf.Tensor, op: ReduceOp = 'sum'): Promise<tf.Tensor> {
    checkFloat32(x, 'allReduce');
    return this.collective('allReduce', 'ncclAllReduce', x.shape, x, (send, recv, comm, stream) =>
      this.nccl.api.ncclAllReduce(send, recv, x.size, NCCL_FLOAT32, NCCL_REDUCE_OPS[op], comm, stream),
    );
  }

  async reduceScatter(x: tf.Tensor, op: ReduceOp = 'sum'): Promise<tf.Tensor> {
    checkFloat32(x, 'reduceScatter');
    checkSplits(x, this.worldSize, 'reduceScatter');
    const count = x.size / this.worldSize;
    return this.collective(
      'reduceScatter',
      'ncclReduceScatter',
      scaledShape(x, 1 / this.worldSize),
      x,
      (s, r, c, st) => this.nccl.api.ncclReduceScatter(s, r, count, NCCL_FLOAT32, NCCL_REDUCE_OPS[op], c, st),
    );
  }

  async allGather(x: tf.Tensor): Promise<tf.Tensor> {
    checkFloat32(x, 'allGather');
    return this.collective('allGather', 'ncclAllGather', scaledShape(x, this.worldSize), x, (s, r, c, st) =>
      this.nccl.api.ncclAllGather(s, r, x.size, NCCL_FLOAT32, c, st),
    );
  }

  async broadcast(x: tf.Tensor, root = 0): Promise<tf.Tensor> {
    checkFloat32(x, 'broadcast');
    return this.collective('broadcast', 'ncclBroadcast', x.shape, x, (s, r, c, st) =>
      this.nccl.api.ncclBroadcast(s, r, x.size, NCCL_FLOAT32, root, c, st),
    );
  }

  override async destroy(): Promise<void> {
    if (this.comm !== null) {
      const comm = this.comm;
      this.comm = null;
      checkNccl(this.nccl.api.ncclCommDestroy(comm), 'ncclCommDestroy', 'destroy', this.rank, (s) =>
        describe(this.nccl, null, s),
      );
    }
    await super.destroy();
  }

  /**
   * Queues one collective writing into new device memory of `shape`, then waits for it. The call is
   * queued before the first await, so collectives started together (gradient buckets) queue back to
   * back on the stream.
   */
  private async collective(
    label: string,
    call: string,
    shape: number[],
    x: tf.Tensor,
    enqueue: (send: number, recv: number, comm: Handle, stream: Handle) => number,
  ): Promise<tf.Tensor> {
    const operation = `${label} #${this.seq++} (NCCL)`;
    if (this.error) throw this.error;
    if (this.comm === null)
      throw new DistributedError(`${operation}: the communicator was destroyed`, operation, this.rank);
    const out = tensorFromInfo(this.device.makeTensorInfo(shape, 'float32'));
    try {
      if (x.size > 0) {
        const status = enqueue(
          this.device.pointer(x),
          this.device.pointer(out),
          this.comm,
          this.device.runtime.stream,
        );
        checkNccl(status, call, operation, this.rank, (s) => describe(this.nccl, this.comm, s));
        await this.waitFor(operation, call);
      }
      return out;
    } catch (err) {
      out.dispose();
      throw err;
    }
  }

  private waitFor(operation: string, call: string): Promise<void> {
    const timeoutMs = this.channel.timeoutMs;
    return this.waiter.wait(
      operation,
      timeoutMs,
      () => {
        if (this.channel.error) return this.channel.error;
        if (this.comm === null) return null;
        const result: [number] = [0];
        this.nccl.api.ncclCommGetAsyncError(this.comm, result);
        if (result[0] === NCCL_RESULT.ncclSuccess || result[0] === NCCL_RESULT.ncclInProgress) return null;
        try {
          checkNccl(result[0], call, operation, this.rank, (s) => describe(this.nccl, this.comm, s));
        } catch (err) {
          this.channel.abort((err as Error).message);
          return err as Error;
        }
        return null;
      },
      () => {
        const error = new DistributedError(
          `${operation} did not complete within ${seconds(timeoutMs)} on rank ${this.rank} and no rank has ` +
            'left the control channel: a rank is stuck (raise --ddp_timeout if that is expected)',
          operation,
        );
        this.channel.abort(error.message);
        return error;
      },
    );
  }

  /** Stops NCCL's kernels and frees the communicator after a failure (ncclCommAbort never blocks on peers). */
  private abortComm(): void {
    if (this.comm === null) return;
    const comm = this.comm;
    this.comm = null;
    this.nccl.api.ncclCommAbort(comm);
  }
}

function describe(nccl: LoadedNccl, comm: Handle | null, status: number): string {
  const text = nccl.api.ncclGetErrorString(status);
  const last = nccl.api.ncclGetLastError?.(comm) ?? '';
  return last && last !== text ? `${text}: ${last}` : text;
}
