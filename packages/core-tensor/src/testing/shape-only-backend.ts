// A tfjs backend that does no math: it stores shapes, dtypes and reference counts, and counts what a
// device backend would do (kernel launches, host->device uploads, live bytes by storage dtype). It
// stands for a GPU backend whose launches are asynchronous and free on the host, so timing a model
// step on it measures the host cost of the engine alone, and its byte counters give the device memory
// the step needs (tfjs-engine-findings.md §1 describes the same "null" backend). Its kernels
// (shape-only-kernels.ts) compute and check output shapes, so a step that runs on it is well-formed.
import { tf } from '../tf.js';
import { SHAPE_ONLY_KERNELS } from './shape-only-kernels.js';

export interface ShapeOnlyOptions {
  /**
   * Bytes a float32 element occupies on the device: 4 (fp32 storage, default) or 2 (bf16 storage, as a
   * mixed-precision backend keeps weights and activations).
   */
  floatBytes?: 2 | 4;
  /**
   * Identity and same-dtype Cast return a second handle on the input (default true, as tfjs's cpu
   * backend and ours do); false makes them copies, as tfjs's wasm backend does.
   */
  aliasBookkeeping?: boolean;
}

/** What the backend has counted since it was created (or since resetCounts / resetPeak). */
export interface ShapeOnlyCounts {
  /** Kernel launches, all names. */
  kernels: number;
  /** Launches per kernel name. */
  byKernel: Map<string, number>;
  /** Host->device writes that are not kernel outputs (tensor creation from values, scalars). */
  uploads: number;
}

interface Buffer {
  bytes: number;
  dtype: tf.DataType;
  refCount: number;
}

const INT_BYTES: Partial<Record<tf.DataType, number>> = { int32: 4, bool: 1, complex64: 8, string: 0 };

export class ShapeOnlyBackend extends tf.KernelBackend {
  readonly floatBytes: 2 | 4;
  /** See ShapeOnlyOptions; may be switched between steps to compare both behaviours on one backend. */
  aliasBookkeeping: boolean;
  readonly counts: ShapeOnlyCounts = { kernels: 0, byKernel: new Map(), uploads: 0 };
  /** Bytes of live buffers by dtype, each element counted at its storage size. */
  readonly liveBytesByDtype = new Map<tf.DataType, number>();
  private live = 0;
  private peak = 0;
  private readonly buffers = new Map<tf.DataId, Buffer>();

  constructor(options: ShapeOnlyOptions = {}) {
    super();
    this.floatBytes = options.floatBytes ?? 4;
    this.aliasBookkeeping = options.aliasBookkeeping ?? true;
  }

  /** Bytes of all live buffers. */
  get liveBytes(): number {
    return this.live;
  }

  /** The most bytes live at once since creation or the last resetPeak(). */
  get peakBytes(): number {
    return this.peak;
  }

  /** Starts a new peak measurement from the bytes live now. */
  resetPeak(): void {
    this.peak = this.live;
  }

  resetCounts(): void {
    this.counts.kernels = 0;
    this.counts.byKernel.clear();
    this.counts.uploads = 0;
  }

  /** Called by every kernel of this backend. */
  countKernel(name: string): void {
    this.counts.kernels++;
    this.counts.byKernel.set(name, (this.counts.byKernel.get(name) ?? 0) + 1);
  }

  /** A kernel output: device memory, not an upload. */
  allocate(shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
    return { dataId: this.newBuffer(shape, dtype), shape, dtype };
  }

  /** A kernel output sharing `x`'s buffer (Reshape; Identity and same-dtype Cast unless configured off). */
  alias(x: tf.TensorInfo, shape: number[] = x.shape, dtype: tf.DataType = x.dtype): tf.TensorInfo {
    this.incRef(x.dataId);
    return { dataId: x.dataId, shape, dtype };
  }

  override write(_values: tf.BackendValues | null, shape: number[], dtype: tf.DataType): tf.DataId {
    this.counts.uploads++;
    return this.newBuffer(shape, dtype);
  }

  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo {
    return this.allocate(shape, dtype);
  }

  override move(
    dataId: tf.DataId,
    _v: tf.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.register(dataId, shape, dtype, refCount);
  }

  override refCount(dataId: tf.DataId): number {
    return this.buffers.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: tf.DataId): void {
    const b = this.buffers.get(dataId);
    if (b !== undefined) b.refCount++;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const b = this.buffers.get(dataId);
    if (b === undefined) return true;
    b.refCount--;
    if (!force && b.refCount > 0) return false;
    this.buffers.delete(dataId);
    this.live -= b.bytes;
    this.liveBytesByDtype.set(b.dtype, (this.liveBytesByDtype.get(b.dtype) ?? 0) - b.bytes);
    return true;
  }

  override numDataIds(): number {
    return this.buffers.size;
  }

  /** There are no values: reads give zeros of the right size (a model may read a few small tensors). */
  override readSync(dataId: tf.DataId): tf.BackendValues {
    const info = tf.engine().state.tensorInfo.get(dataId);
    const size = info === undefined ? 0 : tf.util.sizeFromShape(info.shape);
    if (info?.dtype === 'int32') return new Int32Array(size);
    return info?.dtype === 'bool' ? new Uint8Array(size) : new Float32Array(size);
  }

  override async read(dataId: tf.DataId): Promise<tf.BackendValues> {
    return this.readSync(dataId);
  }

  override memory(): { unreliable: boolean; reasons: string[] } {
    return { unreliable: true, reasons: ['shape-only backend: no data; see liveBytes / peakBytes'] };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override timerAvailable(): boolean {
    return false;
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override dispose(): void {
    this.buffers.clear();
    this.live = 0;
    this.liveBytesByDtype.clear();
  }

  private newBuffer(shape: number[], dtype: tf.DataType): tf.DataId {
    const dataId = {};
    this.register(dataId, shape, dtype, 1);
    return dataId;
  }

  private register(dataId: tf.DataId, shape: number[], dtype: tf.DataType, refCount: number): void {
    const bytes =
      tf.util.sizeFromShape(shape) * (dtype === 'float32' ? this.floatBytes : (INT_BYTES[dtype] ?? 4));
    this.buffers.set(dataId, { bytes, dtype, refCount });
    this.live += bytes;
    this.liveBytesByDtype.set(dtype, (this.liveBytesByDtype.get(dtype) ?? 0) + bytes);
    if (this.live > this.peak) this.peak = this.live;
  }
}

const registered = new Set<string>();

/**
 * Registers a shape-only backend under `name` (never picked automatically: lowest priority) with
 * every kernel of SHAPE_ONLY_KERNELS; `tf.setBackend(name)` then creates it with `options`. Call it
 * again with other options to replace the backend (it must not be the active one).
 */
export function registerShapeOnlyBackend(name = 'shape-only', options: ShapeOnlyOptions = {}): void {
  if (tf.findBackendFactory(name) != null) tf.removeBackend(name);
  tf.registerBackend(name, () => new ShapeOnlyBackend(options), -1);
  if (registered.has(name)) return;
  registered.add(name);
  for (const [kernelName, kernel] of Object.entries(SHAPE_ONLY_KERNELS)) {
    tf.registerKernel({
      kernelName,
      backendName: name,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const b = backend as ShapeOnlyBackend;
        b.countKernel(kernelName);
        return kernel(inputs as Record<string, tf.TensorInfo>, attrs ?? {}, b);
      },
    });
  }
}

/** The active backend, which must be a shape-only one. */
export function shapeOnlyBackend(): ShapeOnlyBackend {
  const b = tf.backend();
  if (!(b instanceof ShapeOnlyBackend)) {
    throw new Error(`shapeOnlyBackend: the active backend is '${tf.getBackend()}', not a shape-only backend`);
  }
  return b;
}

/** A tensor of `shape` on the active shape-only backend, without host values (an allocation, no upload). */
export function shapeOnlyTensor(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
  const b = shapeOnlyBackend();
  return tf.engine().makeTensorFromTensorInfo(b.allocate(shape, dtype), b);
}
