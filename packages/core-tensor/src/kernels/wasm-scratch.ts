import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';

/**
 * The temporaries of one wasm kernel call. The fused ops' wasm kernels are built from wasm's own
 * kernels (XNNPACK matMul, softmax, sigmoid and elementwise SIMD loops), called directly inside our
 * kernelFunc: nothing of that reaches the engine, so nothing is taped and every temporary has to be
 * freed here, also when a kernel throws half-way. An output starts as a temporary and is `keep`-ed.
 *
 * Heap views: any allocation may grow the wasm memory, which detaches every earlier typed-array view
 * of it (reads then give undefined, i.e. NaN). `f32`/`i32` therefore make a fresh view each time:
 * take them after the allocations of a step, never across one.
 */
export class WasmScratch {
  private readonly temps = new Set<tf.TensorInfo>();

  constructor(readonly backend: BackendWasm) {}

  /** An uninitialised float32 temporary (malloc'd: not zeroed). */
  alloc(shape: number[]): tf.TensorInfo {
    return this.track(this.backend.makeOutput(shape, 'float32'));
  }

  /** A zero-filled float32 temporary. */
  zeros(shape: number[]): tf.TensorInfo {
    const t = this.alloc(shape);
    this.f32(t).fill(0);
    return t;
  }

  /** Runs the registered wasm kernel `name` (our replacements included); its output is a temporary. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel == null) throw new Error(`wasm kernel '${name}' is not registered`);
    return this.track(kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as tf.TensorInfo);
  }

  /**
   * a [m, k] times b [k, n] (any shapes of those sizes), as [1, m, n]: one matrix pair with no transpose
   * flag, the only case tfjs-backend-wasm sends to XNNPACK as is.
   */
  matMul(a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
    return this.run(
      tf.BatchMatMul,
      { a: { ...a, shape: [1, m, k] }, b: { ...b, shape: [1, k, n] } },
      { transposeA: false, transposeB: false },
    );
  }

  /** x [m, n] (any shape of that size) transposed, as [1, n, m]. */
  transpose(x: tf.TensorInfo, m: number, n: number): tf.TensorInfo {
    return this.run(tf.Transpose, { x: { ...x, shape: [1, m, n] } }, { perm: [0, 2, 1] });
  }

  /** Frees a temporary now (keeps peak memory down between the steps of a kernel). */
  free(...ts: tf.TensorInfo[]): void {
    for (const t of ts) {
      if (this.temps.delete(t)) this.backend.disposeData(t.dataId);
    }
  }

  /** Turns a temporary into a kernel output (optionally reshaped): it survives `dispose`. */
  keep(t: tf.TensorInfo, shape: number[] = t.shape): tf.TensorInfo {
    this.temps.delete(t);
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** A fresh float32 view of a tensor in the wasm heap (see the class comment). */
  f32(t: tf.TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** A fresh int32 view of a tensor in the wasm heap. */
  i32(t: tf.TensorInfo): Int32Array {
    return this.backend.typedArrayFromHeap(t) as Int32Array;
  }

  /** Frees every temporary not kept. Call in `finally`. */
  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.clear();
  }

  private track(t: tf.TensorInfo): tf.TensorInfo {
    this.temps.add(t);
    return t;
  }
}

/** Runs `body` with a scratch whose temporaries are freed afterwards, whatever happens. */
export function withScratch<T>(backend: unknown, body: (s: WasmScratch) => T): T {
  const scratch = new WasmScratch(backend as BackendWasm);
  try {
    return body(scratch);
  } finally {
    scratch.dispose();
  }
}
