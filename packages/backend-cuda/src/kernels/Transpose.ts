// Transpose, Slice and Tile: one strided gather each over csrc/Copy.cu (4-byte words, any dtype).
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';
import { MAX_RANK, permutedView, rowMajorStrides, collapseDims, stridedViewFields } from './strided-view.js';

const TILE_FIELDS = 1 + 3 * MAX_RANK;

/** Copies `view` of `x` (dims, strides, base element) into a new tensor of `shape`. */
export function stridedCopy(
  backend: CudaBackend,
  x: tf.TensorInfo,
  shape: number[],
  dims: number[],
  strides: number[],
  base: number,
): tf.TensorInfo {
  const out = backend.makeTensorInfo(shape, x.dtype);
  const n = sizeOf(out);
  if (n === 0) return out;
  backend.runtime
    .fn('Copy', 'strided_copy_u32')
    .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
      backend.pointer(x),
      backend.pointer(out),
      n,
      stridedViewFields(dims, strides, base),
    ]);
  return out;
}

/** x with its axes permuted by `perm`; an alias when the permutation keeps the memory order. */
export function transposeOp(backend: CudaBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  const shape = perm.map((p) => x.shape[p]!);
  const view = permutedView(x.shape, perm);
  if (view.dims.length === 1 && view.strides[0]![0] === 1) return backend.alias(x, shape);
  return stridedCopy(backend, x, shape, view.dims, view.strides[0]!, 0);
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) =>
    transposeOp(
      cudaBackend(backend),
      (inputs as { x: tf.TensorInfo }).x,
      (attrs as unknown as tf.TransposeAttrs).perm,
    ),
};

/** x[begin : begin + size] (sizes already resolved, no -1). */
export function sliceOp(
  backend: CudaBackend,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const strides = rowMajorStrides(x.shape);
  const base = begin.reduce((sum, start, d) => sum + start * strides[d]!, 0);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    // One block of memory: a plain device-to-device copy.
    const out = backend.makeTensorInfo(size, x.dtype);
    backend.runtime.copy(backend.pointer(out), backend.pointer(x) + 4 * base, 4 * sizeOf(out), 'Slice');
    return out;
  }
  const view = collapseDims(size, [strides]);
  return stridedCopy(backend, x, size, view.dims, view.strides[0]!, base);
}

export const sliceConfig: tf.KernelConfig = {
  kernelName: 'Slice',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { begin, size } = attrs as unknown as tf.SliceAttrs;
    const [$begin, $size] = tf.slice_util.parseSliceParams(x, begin, size);
    tf.slice_util.assertParamsValid(x, $begin, $size);
    return sliceOp(cudaBackend(backend), x, $begin, $size);
  },
};

export const tileConfig: tf.KernelConfig = {
  kernelName: 'Tile',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    const shape = x.shape.map((d, i) => d * reps[i]!);
    if (shape.length > MAX_RANK) throw new RangeError(`cuda Tile: rank ${shape.length} exceeds ${MAX_RANK}`);
    const out = backend.makeTensorInfo(shape, x.dtype);
    const n = sizeOf(out);
    if (n === 0) return out;
    const strides = rowMajorStrides(x.shape);
    const fields = new Array<number>(TILE_FIELDS).fill(1);
    fields[0] = shape.length;
    shape.forEach((d, i) => {
      fields[1 + i] = d;
      fields[1 + MAX_RANK + i] = x.shape[i]!;
      fields[1 + 2 * MAX_RANK + i] = strides[i]!;
    });
    backend.runtime
      .fn('Copy', 'tile_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        fields,
      ]);
    return out;
  },
};
