// Waits for the collectives queued on the backend's stream without blocking the event loop: an event
// recorded after them is polled, so the control channel can still notice a dead rank (and the waiter
// then aborts the NCCL communicator instead of hanging in a kernel that will never finish).
import type { Handle, Koffi } from './nccl-api.js';

const CU_EVENT_DISABLE_TIMING = 2;
const CUDA_SUCCESS = 0;
const CUDA_ERROR_NOT_READY = 600;

interface EventApi {
  cuEventCreate(event: [Handle | null], flags: number): number;
  cuEventRecord(event: Handle, stream: Handle): number;
  cuEventQuery(event: Handle): number;
  cuEventDestroy(event: Handle): number;
  cuGetErrorName(status: number, name: [string | null]): number;
}

/** Why a wait ended early: checked between polls. */
export type WaitInterrupt = () => Error | null;

export class StreamWaiter {
  private constructor(
    private readonly cu: EventApi,
    private readonly stream: Handle,
  ) {}

  /** Binds the four event functions from libcuda.so.1 (the driver the cuda backend already loaded). */
  static create(
    koffi: Koffi,
    stream: Handle,
    libcuda = process.env.MEDGPT_LIBCUDA || 'libcuda.so.1',
  ): StreamWaiter {
    const lib = koffi.load(libcuda);
    const cu: EventApi = {
      cuEventCreate: lib.func('int cuEventCreate(_Out_ void **event, unsigned int flags)') as never,
      cuEventRecord: lib.func('int cuEventRecord(void *event, void *stream)') as never,
      cuEventQuery: lib.func('int cuEventQuery(void *event)') as never,
      cuEventDestroy: lib.func('int cuEventDestroy_v2(void *event)') as never,
      cuGetErrorName: lib.func('int cuGetErrorName(int error, _Out_ const char **name)') as never,
    };
    return new StreamWaiter(cu, stream);
  }

  /**
   * Resolves once everything queued on the stream so far has run. Between polls, `interrupt` may end
   * the wait with its error; past `timeoutMs` the wait rejects with `onTimeout()`.
   */
  async wait(
    operation: string,
    timeoutMs: number,
    interrupt: WaitInterrupt,
    onTimeout: () => Error,
  ): Promise<void> {
    const event: [Handle | null] = [null];
    this.check(this.cu.cuEventCreate(event, CU_EVENT_DISABLE_TIMING), 'cuEventCreate', operation);
    // The event exists from here on: destroy it however the wait ends.
    try {
      this.check(this.cu.cuEventRecord(event[0]!, this.stream), 'cuEventRecord', operation);
      const started = Date.now();
      for (let polls = 0; ; polls++) {
        const status = this.cu.cuEventQuery(event[0]!);
        if (status === CUDA_SUCCESS) return;
        if (status !== CUDA_ERROR_NOT_READY) this.check(status, 'cuEventQuery', operation);
        const stop = interrupt();
        if (stop) throw stop;
        if (Date.now() - started > timeoutMs) throw onTimeout();
        // Spin through the event loop briefly (collectives of a step take microseconds to milliseconds),
        // then sleep a millisecond per poll.
        await new Promise((r) => (polls < 200 ? setImmediate(r) : setTimeout(r, 1)));
      }
    } finally {
      this.cu.cuEventDestroy(event[0]!);
    }
  }

  private check(status: number, call: string, operation: string): void {
    if (status === CUDA_SUCCESS) return;
    const name: [string | null] = [null];
    this.cu.cuGetErrorName(status, name);
    throw new Error(`${call} failed during ${operation}: ${name[0] ?? `CUresult ${status}`} [${status}]`);
  }
}
