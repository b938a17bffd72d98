import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import type { MatMulGeometry } from './matmul-geometry.js';

/**
 * Multiplies [1, rows, k] x [1, k, n] with no transpose flags: the only case tfjs-backend-wasm sends to
 * XNNPACK. Every other case (a transpose flag, or more than one batch) runs its scalar fallback loop,
 * 5-50x slower (KERNELS.md).
 */
export type PlainMatMul = (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo;

/** Below this many multiply-adds per matrix, one XNNPACK call per matrix costs more than tfjs's loop. */
const SMALL_MATRIX_MACS = 32 * 32 * 32;

/**
 * True when tfjs's own kernel should run a batched call as is: its matrices are tiny (measured: 64 of
 * 16x16x16 take 0.5 ms in its loop, 6.6 ms as XNNPACK calls) and its modulo batch indexing broadcasts
 * them correctly (each side has one matrix or all of them).
 */
export function prefersStockLoop(g: MatMulGeometry): boolean {
  const folds = g.bBatches === 1 && g.aBatches === g.batch;
  const moduloSafe = [g.aBatches, g.bBatches].every((count) => count === 1 || count === g.batch);
  return g.batch > 1 && !folds && moduloSafe && g.m * g.k * g.n <= SMALL_MATRIX_MACS;
}

/**
 * A BatchMatMul on wasm routed through `plain` only: transposed operands are transposed first by the wasm
 * Transpose kernel; a batch that shares one right operand is folded into a single tall matrix; any other
 * batch runs matrix by matrix. Temporaries are freed before returning. `canSwap`: whether `plain` may be
 * given the transposed problem (false when it adds a per-column bias).
 */
export function wasmMatMulViaPlain(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
  plain: PlainMatMul,
  canSwap = true,
): tf.TensorInfo {
  const temps: tf.TensorInfo[] = [];
  const own = (t: tf.TensorInfo) => {
    temps.push(t);
    return t;
  };
  try {
    if (g.bBatches === 1 && g.aBatches === g.batch) {
      return foldedProduct(backend, a, b, transposeA, transposeB, g, plain, own, canSwap);
    }
    const aPlain = transposeA ? own(transposeLastTwo(backend, a)) : a;
    const bPlain = transposeB ? own(transposeLastTwo(backend, b)) : b;
    return matMulPerMatrix(backend, aPlain, bPlain, g, plain);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/**
 * One product of `rows` = batch * m rows (row-major batches of `a` stacked are one tall matrix). XNNPACK
 * packs its right operand on every call unless it is an untouched tensor it has seen, so the cheaper of
 * two layouts is taken, counted in elements copied: C = op(A)·op(B) directly, or Cᵀ = op(B)ᵀ·op(A)ᵀ and
 * a transpose back. The second wins for few rows against a stored-transposed weight (x·Wᵀ while
 * generating), where it never copies W.
 */
function foldedProduct(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
  plain: PlainMatMul,
  own: (t: tf.TensorInfo) => tf.TensorInfo,
  canSwap: boolean,
): tf.TensorInfo {
  const { k, n } = g;
  const rows = g.batch * g.m;
  const direct = (transposeA ? rows * k : 0) + (transposeB ? 2 * k * n : k * n);
  // With transposeA and several batches, op(A)ᵀ is not one [k, rows] matrix in memory.
  const swapped =
    !canSwap || (transposeA && g.batch > 1)
      ? Infinity
      : (transposeA ? 0 : rows * k) + (transposeB ? 0 : k * n) + rows * k + rows * n;
  if (direct <= swapped) {
    const aPlain = transposeA ? own(transposeLastTwo(backend, a)) : a;
    const bPlain = transposeB ? own(transposeLastTwo(backend, b)) : b;
    const out = plain({ ...aPlain, shape: [1, rows, k] }, { ...bPlain, shape: [1, k, n] });
    return { dataId: out.dataId, shape: g.outShape, dtype: out.dtype };
  }
  const left = transposeB ? b : own(transposeLastTwo(backend, { ...b, shape: [k, n] }));
  const right = transposeA ? a : own(transposeLastTwo(backend, { ...a, shape: [rows, k] }));
  const product = own(plain({ ...left, shape: [1, n, k] }, { ...right, shape: [1, k, rows] }));
  const out = transposeLastTwo(backend, { ...product, shape: [n, rows] });
  return { dataId: out.dataId, shape: g.outShape, dtype: out.dtype };
}

/** x with its last two dims swapped, by the registered wasm Transpose kernel. */
export function transposeLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (transpose == null) {
    throw new Error("wasm matMul needs the wasm 'Transpose' kernel, which is not registered.");
  }
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * One `plain` call per output matrix, each on fresh copies of its operands (XNNPACK caches the packed
 * right operand per tensor id, so a right operand is reused only while its batch index repeats).
 */
function matMulPerMatrix(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  g: MatMulGeometry,
  plain: PlainMatMul,
): tf.TensorInfo {
  const { m, k, n } = g;
  const out = backend.makeOutput(g.outShape, 'float32');
  const aSlice = backend.makeOutput([1, m, k], 'float32');
  let bSlice: tf.TensorInfo | null = null;
  let bLoaded = -1;
  let done = false;
  try {
    for (let t = 0; t < g.batch; t++) {
      copyRange(backend, a, g.aIndex[t]! * m * k, aSlice, 0, m * k);
      if (g.bIndex[t] !== bLoaded) {
        if (bSlice != null) backend.disposeData(bSlice.dataId);
        bSlice = backend.makeOutput([1, k, n], 'float32');
        bLoaded = g.bIndex[t]!;
        copyRange(backend, b, bLoaded * k * n, bSlice, 0, k * n);
      }
      const product = plain(aSlice, bSlice!);
      copyRange(backend, product, 0, out, t * m * n, m * n);
      backend.disposeData(product.dataId);
    }
    done = true;
  } finally {
    backend.disposeData(aSlice.dataId);
    if (bSlice != null) backend.disposeData(bSlice.dataId);
    if (!done) backend.disposeData(out.dataId);
  }
  return out;
}

/** Copies `count` floats between two wasm tensors. Views are taken now: any allocation may move the heap. */
function copyRange(
  backend: BackendWasm,
  src: tf.TensorInfo,
  srcStart: number,
  dst: tf.TensorInfo,
  dstStart: number,
  count: number,
): void {
  const from = backend.typedArrayFromHeap(src);
  const to = backend.typedArrayFromHeap(dst);
  to.set(from.subarray(srcStart, srcStart + count), dstStart);
}
