import {
  bf16ToFloat32,
  tf,
  type CapturedStep,
  type StepFunction,
  type StepInputSpec,
} from '@medgpt/core-tensor';
import type { CudaRuntime } from '../runtime/cuda-runtime.js';
import { BLOCK, gridFor } from '../kernels/launch-config.js';
import { checkStorableDtype, hostBuffer, toDeviceBytes } from './host-values.js';
import { ELEMENT_BYTES, type TensorData } from './tensor-data.js';
import { CudaCapturedStep } from './cuda-captured-step.js';

/** The tfjs backend name. */
export const CUDA_BACKEND_NAME = 'cuda';

const MAX_CONSTANTS = 64;

/** Bytes of a bf16 copy of n elements (at least 4: a pair). */
const bf16Bytes = (n: number) => Math.max(4, 2 * n + (n % 2) * 2);

/**
 * The tfjs backend "cuda": tensor storage in device memory (one CudaRuntime: context, stream, pool
 * allocator, pinned staging) and the bookkeeping tfjs's engine expects of a backend (refcounts,
 * moves between backends, reads, memory, timing). Kernels are registered separately under
 * `backendName: 'cuda'` (kernels/register-all-kernels.ts) and reach the device through this class.
 */
export class CudaBackend extends tf.KernelBackend {
  private readonly data = new Map<tf.DataId, TensorData>();
  /** Small constant tables kernels keep on the device (Rope's inverse frequencies), by key. */
  private readonly constants = new Map<string, { pointer: number; bytes: number }>();

  constructor(readonly runtime: CudaRuntime) {
    super();
  }

  // ---- storage --------------------------------------------------------------------------------

  override write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    const dataId = {};
    this.data.set(dataId, this.upload(values, shape, dtype, 1));
    return dataId;
  }

  override move(
    dataId: tf.DataId,
    values: tf.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.data.set(dataId, this.upload(values, shape, dtype, refCount));
  }

  /** A tensor info for new device memory, filled from `values` when given, else uninitialised. */
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.BackendValues): tf.TensorInfo {
    if (values !== undefined) return { dataId: this.write(values, shape, dtype), shape, dtype };
    checkStorableDtype(dtype, 'new tensor');
    const size = tf.util.sizeFromShape(shape);
    const bytes = size * ELEMENT_BYTES;
    const dataId = {};
    this.data.set(
      dataId,
      this.record(this.runtime.allocator.alloc(bytes, 'tensor data'), bytes, dtype, size, 1),
    );
    return { dataId, shape, dtype };
  }

  /**
   * A float32 tensor info stored in bf16 only (2 bytes an element): the kernel making it writes its
   * values at `bf16(info)`. Gathers and bf16 matmuls read them there; `pointer()` widens them.
   */
  makeBf16TensorInfo(shape: number[]): tf.TensorInfo {
    const size = tf.util.sizeFromShape(shape);
    const record = this.record(0, 0, 'float32', size, 1);
    record.bf16 = this.runtime.allocator.alloc(bf16Bytes(size), 'bf16 storage');
    record.bf16Stored = true;
    const dataId = {};
    this.data.set(dataId, record);
    return { dataId, shape, dtype: 'float32' };
  }

  /** Whether `info`'s values were made in bf16 (its bf16(info) is the data itself, not a rounding). */
  isBf16Stored(info: tf.TensorInfo): boolean {
    return this.get(info.dataId).bf16Stored === true;
  }

  /**
   * The device address of a tensor's float32 (int32) data, moving it here first if another backend
   * holds it. A tensor stored in bf16 gets its exact float32 widening, made on first use and kept
   * with it (4 more bytes an element): kernels with a bf16 path (GatherV2, BatchMatMul in bf16) avoid it.
   */
  pointer(info: tf.TensorInfo): number {
    const record = this.get(info.dataId);
    if (record.pointer === 0 && record.bf16Stored === true && record.size > 0) this.widen(record);
    return record.pointer;
  }

  /**
   * The device address of a small constant table, uploaded the first time `key` is asked for and
   * freed with the backend. At most MAX_CONSTANTS are kept (the oldest goes first).
   */
  constant(key: string, make: () => Float32Array | Int32Array): number {
    const found = this.constants.get(key);
    if (found !== undefined) return found.pointer;
    if (this.constants.size >= MAX_CONSTANTS) {
      const [oldest, entry] = this.constants.entries().next().value!;
      this.runtime.allocator.free(entry.pointer, entry.bytes);
      this.constants.delete(oldest);
    }
    const values = make();
    const pointer = this.runtime.allocator.alloc(values.byteLength, 'constant table');
    this.runtime.staging.upload(pointer, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.constants.set(key, { pointer, bytes: values.byteLength });
    return pointer;
  }

  /** A new tensor info sharing `info`'s data (no copy): Reshape, Identity, same-storage Cast. */
  alias(info: tf.TensorInfo, shape = info.shape, dtype = info.dtype): tf.TensorInfo {
    this.incRef(info.dataId);
    return { dataId: info.dataId, shape, dtype };
  }

  /**
   * The device address of a bf16 copy of a float32 tensor (round to nearest even), made on first use
   * and kept until the tensor is freed, so a frozen weight or a saved activation is converted once
   * however many matmuls read it. The copy costs size * 2 bytes of device memory.
   */
  bf16(info: tf.TensorInfo): number {
    const record = this.get(info.dataId);
    if (record.bf16 === undefined) {
      const n = record.size;
      record.bf16 = this.runtime.allocator.alloc(bf16Bytes(n), 'bf16 copy');
      if (n > 0) {
        const pairs = Math.ceil(n / 2);
        this.runtime
          .fn('Cast', 'cast_f32_to_bf16')
          .launch(this.runtime.stream, gridFor(pairs), BLOCK, 0, [record.pointer, record.bf16, n]);
      }
    }
    return record.bf16;
  }

  /** Drops the bf16 copy of a tensor whose buffer a kernel is about to write into. */
  invalidateCopies(info: tf.TensorInfo): void {
    const record = this.data.get(info.dataId);
    if (record?.bf16Stored === true) {
      // The float32 buffer becomes the data.
      if (record.pointer === 0 && record.size > 0) this.widen(record);
      record.bf16Stored = false;
    }
    if (record !== undefined) this.freeBf16(record);
  }

  /**
   * Allocates `bytes` of device memory that lives as long as the tensor `info` (replacing an earlier
   * sidecar), for a later kernel to find by `key` (see TensorData.sidecar).
   */
  attachSidecar(info: tf.TensorInfo, key: string, bytes: number): number {
    const record = this.get(info.dataId);
    this.freeSidecar(record);
    const pointer = this.runtime.allocator.alloc(bytes, `sidecar ${key}`);
    record.sidecar = { key, pointer, bytes };
    return pointer;
  }

  /** The address of the sidecar `key` of `info`, if it has one. */
  sidecar(info: tf.TensorInfo, key: string): number | undefined {
    const found = this.data.get(info.dataId)?.sidecar;
    return found?.key === key ? found.pointer : undefined;
  }

  /** Frees a kernel's intermediate result. */
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override refCount(dataId: tf.DataId): number {
    return this.data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: tf.DataId): void {
    this.get(dataId).refCount++;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const record = this.data.get(dataId);
    if (record === undefined) return true;
    record.refCount--;
    if (!force && record.refCount > 0) return false;
    this.data.delete(dataId);
    this.freeSidecar(record);
    if (record.pendingReads > 0) record.released = true;
    else this.freeStorage(record);
    return true;
  }

  override numDataIds(): number {
    return this.data.size;
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** Waits for the stream, then copies the tensor back (float32 / int32 / bool as tfjs expects). */
  override readSync(dataId: tf.DataId): tf.BackendValues {
    return this.download(this.get(dataId));
  }

  /**
   * Like readSync, but the wait for queued work happens on a worker thread, so the event loop keeps
   * running while the GPU finishes. The memory stays valid until the copy is done even if the tensor
   * is disposed meanwhile.
   */
  override async read(dataId: tf.DataId): Promise<tf.BackendValues> {
    const record = this.get(dataId);
    record.pendingReads++;
    try {
      await this.runtime.cuda.synchronizeAsync('tensor read');
      return this.download(record);
    } finally {
      record.pendingReads--;
      if (record.released && record.pendingReads === 0) this.freeStorage(record);
    }
  }

  // ---- captured steps -------------------------------------------------------------------------

  /** core-tensor's captureStep on this backend: the step recorded as a CUDA graph and replayed. */
  captureStep(specs: readonly StepInputSpec[], fn: StepFunction): CapturedStep {
    return new CudaCapturedStep(this, specs, fn);
  }

  // ---- engine queries -------------------------------------------------------------------------

  /**
   * core-tensor's releaseCachedMemory: waits for queued work, then gives the memory pool's cached
   * blocks back to the driver and restarts its peak. Returns the bytes given back.
   */
  releaseCachedMemory(): number {
    this.runtime.cuda.synchronize('release cached memory');
    return this.runtime.allocator.releaseCached();
  }

  override memory(): { unreliable: boolean; reasons?: string[] } {
    const stats = this.runtime.allocator.stats();
    const info = {
      unreliable: false,
      /** Bytes in live tensors (and backend buffers such as the cuBLASLt workspace). */
      numBytesInGPU: stats.liveBytes,
      /** Bytes the memory pool holds from the driver: live plus cached for reuse. */
      numBytesInGPUAllocated: stats.poolReservedBytes,
      numBytesInGPUFree: Math.max(0, stats.poolReservedBytes - stats.liveBytes),
      numBytesInGPUPeak: stats.poolReservedPeakBytes,
    };
    return info;
  }

  override timerAvailable(): boolean {
    return true;
  }

  /** GPU time of the work `f` queues, measured with CUDA events around it. */
  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const cuda = this.runtime.cuda;
    const start = cuda.createEvent(true);
    const end = cuda.createEvent(true);
    try {
      cuda.record(start);
      f();
      cuda.record(end);
      await cuda.synchronizeAsync('tf.time');
      return { kernelMs: cuda.elapsedMs(start, end) };
    } finally {
      cuda.destroyEvent(start);
      cuda.destroyEvent(end);
    }
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  /** Frees every tensor this backend holds; the runtime (context, pool) stays for a new backend. */
  override dispose(): void {
    for (const record of this.data.values()) {
      this.freeStorage(record);
      this.freeSidecar(record);
    }
    for (const entry of this.constants.values()) this.runtime.allocator.free(entry.pointer, entry.bytes);
    this.data.clear();
    this.constants.clear();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Frees a record's data and its bf16 copy (or bf16 data). */
  private freeStorage(record: TensorData): void {
    this.runtime.allocator.free(record.pointer, record.bytes);
    this.freeBf16(record);
  }

  /** Frees a record's bf16 copy (or bf16 data). */
  private freeBf16(record: TensorData): void {
    if (record.bf16 !== undefined) this.runtime.allocator.free(record.bf16, bf16Bytes(record.size));
    record.bf16 = undefined;
  }

  /** Makes the float32 buffer of a tensor stored in bf16 (exact). */
  private widen(record: TensorData): void {
    const bytes = record.size * ELEMENT_BYTES;
    record.pointer = this.runtime.allocator.alloc(bytes, 'float32 widening of bf16 data');
    record.bytes = bytes;
    this.runtime
      .fn('Cast', 'cast_bf16_to_f32')
      .launch(this.runtime.stream, gridFor(record.size), BLOCK, 0, [
        record.bf16!,
        record.pointer,
        record.size,
      ]);
  }

  private freeSidecar(record: TensorData): void {
    if (record.sidecar !== undefined)
      this.runtime.allocator.free(record.sidecar.pointer, record.sidecar.bytes);
    record.sidecar = undefined;
  }

  /** The record of `dataId`, asking the engine to move the data here when another backend has it. */
  private get(dataId: tf.DataId): TensorData {
    let record = this.data.get(dataId);
    if (record === undefined) {
      tf.engine().moveData(this, dataId);
      record = this.data.get(dataId);
      if (record === undefined) throw new Error('cuda backend: a tensor was used after it was disposed');
    }
    return record;
  }

  private upload(
    values: tf.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): TensorData {
    checkStorableDtype(dtype, 'write');
    const size = tf.util.sizeFromShape(shape);
    const bytes = size * ELEMENT_BYTES;
    const pointer = this.runtime.allocator.alloc(bytes, 'tensor data');
    if (size > 0) this.runtime.staging.upload(pointer, toDeviceBytes(values, dtype, size));
    return this.record(pointer, bytes, dtype, size, refCount);
  }

  private download(record: TensorData): tf.BackendValues {
    if (record.pointer === 0 && record.bf16Stored === true && record.size > 0) {
      const halves = new Uint16Array(bf16Bytes(record.size) / 2);
      this.runtime.staging.download(record.bf16!, new Uint8Array(halves.buffer));
      return bf16ToFloat32(halves.subarray(0, record.size));
    }
    const host = hostBuffer(record.dtype, record.size);
    if (record.size > 0) this.runtime.staging.download(record.pointer, host.raw);
    return host.finish();
  }

  private record(
    pointer: number,
    bytes: number,
    dtype: tf.DataType,
    size: number,
    refCount: number,
  ): TensorData {
    return { pointer, bytes, dtype, size, refCount, pendingReads: 0, released: false };
  }
}
