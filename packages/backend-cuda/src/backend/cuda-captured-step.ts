import {
  checkStepInputs,
  isStepRunOutput,
  stepInputTensor,
  tf,
  type CapturedStep,
  type StepFunction,
  type StepInput,
  type StepInputSpec,
  type StepInputValues,
  type StepRun,
} from '@medgpt/core-tensor';
import { check } from '../ffi/check.js';
import { CU_STREAM_CAPTURE_MODE_THREAD_LOCAL } from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';
import { allocatePinned, freePinned, type PinnedMemory } from '../runtime/pinned-memory.js';
import type { StepArena } from '../runtime/step-arena.js';
import type { CudaBackend } from './cuda-backend.js';
import { hostBuffer } from './host-values.js';

/** Pinned bytes for the constants a step uploads while it is recorded (scalars, small tables). */
const CONSTANT_BYTES = 256 * 1024;
/** Arena headroom over the measured need: first fit may fragment where the pool did not. */
const ARENA_SLACK = 1.5;
const ARENA_EXTRA = 16 * 2 ** 20;
/** Runs that may be in flight at once (launched, outputs not yet read): each owns a pinned I/O block. */
const IO_RING = 4;

/** Where one output of a run lands in its I/O block. */
interface OutputSlot {
  offset: number;
  bytes: number;
  dtype: tf.DataType;
  size: number;
}

/** Pinned memory a launch stages its host inputs in and receives its outputs into, and its event. */
interface IoBlock extends PinnedMemory {
  /** Recorded after the launch's output copies. */
  done: Handle;
  /** The run whose outputs the block holds (or will), until a later launch takes the block. */
  run: CudaStepRun | null;
}

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
  private pinned: (PinnedMemory & { used: number }) | null = null;
  /** Where each output lands in an I/O block, fixed once the step is recorded. */
  private layout: OutputSlot[] = [];
  private io: IoBlock[] = [];
  private nextBlock = 0;
  private latest: CudaStepRun | null = null;
  private disposed = false;

  constructor(
    readonly backend: CudaBackend,
    private readonly specs: readonly StepInputSpec[],
    private readonly fn: StepFunction,
  ) {}

  async run(values: readonly StepInputValues[]): Promise<tf.backend_util.BackendValues[]> {
    return this.launch(values).read();
  }

  /**
   * Queues one replay and returns at once: host inputs go through a pinned block, earlier runs'
   * outputs are copied device to device into the recorded input buffers, and the outputs are copied
   * into the block behind the replay, so a later launch may overwrite them on the device before this
   * run is read.
   */
  launch(values: readonly StepInput[]): StepRun {
    if (this.disposed) throw new Error('captured step: used after dispose');
    checkStepInputs(this.specs, values);
    const first = this.exec === null;
    if (first) this.capture(values);
    const block = this.acquireBlock();
    if (!first) this.write(values, block);
    const { driver, stream } = this.backend.runtime.cuda;
    check(driver.cuGraphLaunch(this.exec!, stream), 'cuGraphLaunch', 'captured step');
    const run = new CudaStepRun(this, block, this.layout);
    this.outputs.forEach((t, i) => {
      const { offset, bytes } = this.layout[i]!;
      if (bytes === 0) return;
      check(
        driver.cuMemcpyDtoHAsync(block.pointer + BigInt(offset), this.backend.pointer(t), bytes, stream),
        'cuMemcpyDtoHAsync',
        'captured step output',
      );
    });
    this.backend.runtime.cuda.record(block.done);
    block.run = run;
    this.latest = run;
    return run;
  }

  /** Output `index` of `run` while the recording still holds it (no later replay overwrote it). */
  heldOutput(run: CudaStepRun, index: number): tf.Tensor {
    if (this.latest !== run || this.disposed)
      throw new Error('captured step: an output of a run that was already read, discarded or replayed over');
    const t = this.outputs[index];
    if (t === undefined) throw new RangeError(`captured step: no output ${index} (${this.outputs.length})`);
    return t;
  }

  /** Forgets `run` as the source of later inputs (read or discarded). */
  retire(run: CudaStepRun): void {
    if (this.latest === run) this.latest = null;
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
    if (this.pinned !== null) freePinned(driver, this.pinned);
    for (const block of this.io) {
      block.run?.expire();
      runtime.cuda.destroyEvent(block.done);
      freePinned(driver, block);
    }
    this.io = [];
  }

  private capture(values: readonly StepInput[]): void {
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
    this.layout = this.outputLayout();
  }

  /** Fresh tensors holding `values`: the warm-up runs' inputs, and the recorded inputs' first contents. */
  private tensors(values: readonly StepInput[]): tf.Tensor[] {
    return this.specs.map((s, i) => {
      const v = values[i]!;
      if (!isStepRunOutput(v)) return stepInputTensor(s, v);
      // A buffer of its own (a clone would share the earlier run's output buffer, which replays write).
      const t = tf.zeros(s.shape as number[], s.dtype);
      this.copyOutput(t, v.tensor());
      return t;
    });
  }

  /**
   * The next run's inputs, copied into the buffers the graph reads (stream-ordered before its launch):
   * host values through `block`, earlier runs' outputs device to device.
   */
  private write(values: readonly StepInput[], block: IoBlock): void {
    const { driver, stream } = this.backend.runtime.cuda;
    let offset = 0;
    this.inputs!.forEach((t, i) => {
      const v = values[i]!;
      if (isStepRunOutput(v)) return this.copyOutput(t, v.tensor());
      if (v.byteLength === 0) return;
      block.bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), offset);
      check(
        driver.cuMemcpyHtoDAsync(
          this.backend.pointer(t),
          block.pointer + BigInt(offset),
          v.byteLength,
          stream,
        ),
        'cuMemcpyHtoDAsync',
        'captured step input',
      );
      offset = align(offset + v.byteLength);
    });
  }

  /** An earlier run's output copied into input tensor `t` on the device (stream-ordered). */
  private copyOutput(t: tf.Tensor, output: tf.Tensor): void {
    const b = this.backend;
    b.runtime.cuda.copyDeviceToDevice(b.pointer(t), b.pointer(output), 4 * t.size, 'captured step input');
  }

  /** Where each output lands in an I/O block (after the inputs' area). */
  private outputLayout(): OutputSlot[] {
    let offset = align(this.specs.reduce((n, s) => align(n + 4 * s.shape.reduce((a, d) => a * d, 1)), 0));
    return this.outputs.map((t) => {
      const entry = { offset, bytes: 4 * t.size, dtype: t.dtype, size: t.size };
      offset = align(offset + entry.bytes);
      return entry;
    });
  }

  /**
   * The next pinned I/O block of the ring, once the launch it last served has finished; a run still
   * unread there is expired (more than IO_RING runs in flight).
   */
  private acquireBlock(): IoBlock {
    if (this.io.length === 0) this.io = Array.from({ length: IO_RING }, () => this.ioBlock());
    const block = this.io[this.nextBlock]!;
    this.nextBlock = (this.nextBlock + 1) % this.io.length;
    check(
      this.backend.runtime.cuda.driver.cuEventSynchronize(block.done),
      'cuEventSynchronize',
      'captured step',
    );
    block.run?.expire();
    block.run = null;
    return block;
  }

  private ioBlock(): IoBlock {
    const last = this.layout.at(-1);
    const size = Math.max(16, last === undefined ? 0 : last.offset + last.bytes);
    const { libraries, cuda } = this.backend.runtime;
    const memory = allocatePinned(libraries.koffi, cuda.driver, size, 'captured step inputs/outputs');
    const done = cuda.createEvent(false);
    cuda.record(done);
    return { ...memory, done, run: null };
  }

  private pinnedBlock(): PinnedMemory & { used: number } {
    const { libraries, cuda } = this.backend.runtime;
    return {
      ...allocatePinned(libraries.koffi, cuda.driver, CONSTANT_BYTES, 'captured step constants'),
      used: 0,
    };
  }

  // A value the step uploads while recorded: copied from pinned memory that lives with the graph, so
  // every replay copies the same bytes (a constant of the step; changing values must be inputs).
  private uploadConstant(dst: number, src: Uint8Array): void {
    const block = this.pinned!;
    const at = align(block.used);
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

/** Offsets in an I/O block: 16-byte aligned. */
function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** One launched replay: its outputs arrive in its pinned block behind the replay. */
class CudaStepRun implements StepRun {
  private state: 'pending' | 'done' | 'expired' = 'pending';

  constructor(
    private readonly step: CudaCapturedStep,
    private readonly block: IoBlock,
    private readonly layout: readonly OutputSlot[],
  ) {}

  output(index: number) {
    return { index, tensor: () => this.step.heldOutput(this, index) };
  }

  async read(): Promise<tf.backend_util.BackendValues[]> {
    this.require('read');
    await this.step.backend.runtime.cuda.waitEventAsync(this.block.done, 'captured step read');
    this.require('read'); // the block may have been taken by later launches meanwhile
    const values = this.layout.map(({ offset, bytes, dtype, size }) => {
      const host = hostBuffer(dtype, size);
      host.raw.set(this.block.bytes.subarray(offset, offset + bytes));
      return host.finish();
    });
    this.state = 'done';
    this.step.retire(this);
    return values;
  }

  discard(): void {
    if (this.state === 'pending') this.state = 'done';
    this.step.retire(this);
  }

  /** The block went to a later launch before this run was read. */
  expire(): void {
    if (this.state === 'pending') this.state = 'expired';
  }

  private require(what: string): void {
    if (this.state === 'done')
      throw new Error(`captured step: ${what} of a run that was already read or discarded`);
    if (this.state === 'expired')
      throw new Error(
        `captured step: ${what} of a run whose outputs were overwritten (more than ${IO_RING} runs in flight)`,
      );
  }
}
