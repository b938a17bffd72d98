import {
  checkStepInputs,
  tf,
  type CapturedStep,
  type StepFunction,
  type StepInputSpec,
  type StepInputValues,
} from '@medgpt/core-tensor';
import { check } from '../ffi/check.js';
import { CU_STREAM_CAPTURE_MODE_THREAD_LOCAL } from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';
import type { StepArena } from '../runtime/step-arena.js';
import type { CudaBackend } from './cuda-backend.js';

/** Pinned bytes for the constants a step uploads while it is recorded (scalars, small tables). */
const CONSTANT_BYTES = 256 * 1024;
/** Arena headroom over the measured need: first fit may fragment where the pool did not. */
const ARENA_SLACK = 1.5;
const ARENA_EXTRA = 16 * 2 ** 20;

/**
 * A step recorded as a CUDA graph on first run and replayed after. First run: the step runs eagerly
 * twice on throwaway copies of the inputs (the first loads kernels, matmul plans and weights' bf16
 * copies; the second measures the memory one step needs), then once more while the stream is
 * captured, with persistent input tensors and every allocation from an arena sized from that
 * measurement. Later runs copy the new inputs into the same input buffers, launch the graph and read
 * the outputs from the arena. Frees of older memory asked for during capture are deferred, uploads
 * go through pinned memory kept with the graph, and reads are refused.
 */
export class CudaCapturedStep implements CapturedStep {
  readonly replays = true;
  private inputs: tf.Tensor[] | null = null;
  private outputs: tf.Tensor[] = [];
  private arena: StepArena | null = null;
  private graph: Handle | null = null;
  private exec: Handle | null = null;
  private pinned: { pointer: Handle; bytes: Uint8Array; used: number } | null = null;
  private disposed = false;

  constructor(
    private readonly backend: CudaBackend,
    private readonly specs: readonly StepInputSpec[],
    private readonly fn: StepFunction,
  ) {}

  async run(values: readonly StepInputValues[]): Promise<tf.backend_util.BackendValues[]> {
    if (this.disposed) throw new Error('captured step: used after dispose');
    checkStepInputs(this.specs, values);
    if (this.exec === null) this.capture(values);
    else this.write(values);
    const { driver, stream } = this.backend.runtime.cuda;
    check(driver.cuGraphLaunch(this.exec!, stream), 'cuGraphLaunch', 'captured step');
    return Promise.all(this.outputs.map((t) => this.backend.read(t.dataId)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const runtime = this.backend.runtime;
    const { driver } = runtime.cuda;
    runtime.cuda.synchronize('captured step dispose');
    if (this.exec !== null) check(driver.cuGraphExecDestroy(this.exec), 'cuGraphExecDestroy');
    if (this.graph !== null) check(driver.cuGraphDestroy(this.graph), 'cuGraphDestroy');
    tf.dispose([...(this.inputs ?? []), ...this.outputs]);
    if (this.arena !== null) runtime.allocator.destroyArena(this.arena);
    if (this.pinned !== null) check(driver.cuMemFreeHost(this.pinned.pointer), 'cuMemFreeHost');
  }

  private capture(values: readonly StepInputValues[]): void {
    const runtime = this.backend.runtime;
    const { driver, stream } = runtime.cuda;
    const eager = () => {
      const out = tf.tidy(() => this.fn(this.tensors(values)));
      tf.dispose(out);
    };
    eager(); // kernels, plans, bf16 copies of the weights: made now, kept outside the graph
    runtime.cuda.synchronize('captured step warm-up');
    const start = runtime.allocator.resetPeak();
    eager();
    const need = runtime.allocator.peakLiveBytes - start;
    this.arena = runtime.allocator.createArena(Math.ceil(need * ARENA_SLACK) + ARENA_EXTRA);
    this.inputs = this.tensors(values).map((t) => tf.keep(t));
    this.pinned = this.pinnedBlock();
    runtime.cuda.synchronize('captured step capture');
    runtime.allocator.record(this.arena);
    runtime.staging.record((dst, src) => this.uploadConstant(dst, src));
    check(driver.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), 'cuStreamBeginCapture');
    let failure: unknown = null;
    try {
      this.outputs = tf.tidy(() => this.fn(this.inputs!)).map((t) => tf.keep(t));
    } catch (err) {
      failure = err;
    }
    // Always ended, so the stream works again whatever the step did while recorded.
    const graph: [Handle | null] = [null];
    const ended = driver.cuStreamEndCapture(stream, graph);
    runtime.staging.record(null);
    runtime.allocator.record(null);
    this.graph = graph[0];
    if (failure !== null) throw failure;
    check(ended, 'cuStreamEndCapture', 'captured step');
    const exec: [Handle | null] = [null];
    check(driver.cuGraphInstantiateWithFlags(exec, this.graph!, 0), 'cuGraphInstantiateWithFlags');
    this.exec = exec[0];
    check(driver.cuGraphUpload(this.exec!, stream), 'cuGraphUpload');
  }

  /** Fresh tensors holding `values`: the warm-up runs' inputs, and the recorded inputs' first contents. */
  private tensors(values: readonly StepInputValues[]): tf.Tensor[] {
    return this.specs.map((s, i) => tf.tensor(values[i]!, s.shape as number[], s.dtype));
  }

  /** The next run's inputs, copied into the buffers the graph reads (stream-ordered before its launch). */
  private write(values: readonly StepInputValues[]): void {
    this.inputs!.forEach((t, i) => {
      const v = values[i]!;
      this.backend.runtime.staging.upload(
        this.backend.pointer(t),
        new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
      );
    });
  }

  private pinnedBlock(): { pointer: Handle; bytes: Uint8Array; used: number } {
    const { libraries, cuda } = this.backend.runtime;
    const pointer: [Handle | null] = [null];
    check(
      cuda.driver.cuMemHostAlloc(pointer, CONSTANT_BYTES, 0),
      'cuMemHostAlloc',
      'captured step constants',
    );
    const bytes = new Uint8Array(libraries.koffi.view(pointer[0]!, CONSTANT_BYTES));
    return { pointer: pointer[0]!, bytes, used: 0 };
  }

  // A value the step uploads while recorded: copied from pinned memory that lives with the graph, so
  // every replay copies the same bytes (a constant of the step; changing values must be inputs).
  private uploadConstant(dst: number, src: Uint8Array): void {
    const block = this.pinned!;
    const at = Math.ceil(block.used / 16) * 16;
    if (at + src.byteLength > CONSTANT_BYTES)
      throw new Error(
        `captured step: more than ${CONSTANT_BYTES} bytes of constants uploaded while recording; pass large values as inputs`,
      );
    block.bytes.set(src, at);
    block.used = at + src.byteLength;
    const { driver, stream } = this.backend.runtime.cuda;
    check(
      driver.cuMemcpyHtoDAsync(dst, block.pointer + BigInt(at), src.byteLength, stream),
      'cuMemcpyHtoDAsync',
      'captured step constant',
    );
  }
}
