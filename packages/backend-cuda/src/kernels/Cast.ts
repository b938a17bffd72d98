// Cast between float32, int32 and bool (stored as int32 0/1). Same-dtype casts alias the input (tfjs
// dispatches float32->float32 casts in every Multiply gradient); bool->int32 copies the words (the
// storage is the same, but a dataId has one dtype); the rest run csrc/Cast.cu.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { checkStorableDtype } from '../backend/host-values.js';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';

function castKernelName(from: tf.DataType, to: tf.DataType): string | null {
  if (to === 'bool') return from === 'float32' ? 'cast_f32_to_bool' : 'cast_i32_to_bool';
  if (to === 'int32' && from === 'float32') return 'cast_f32_to_i32';
  if (to === 'float32' && from !== 'float32') return 'cast_i32_to_f32';
  return null;
}

/** `x` as `dtype`: an alias when the dtype is the same, else a new tensor. */
export function castTo(backend: CudaBackend, x: tf.TensorInfo, dtype: tf.DataType): tf.TensorInfo {
  checkStorableDtype(dtype, 'Cast');
  if (x.dtype === dtype) return backend.alias(x);
  const out = backend.makeTensorInfo(x.shape, dtype);
  const n = sizeOf(x);
  if (n === 0) return out;
  const name = castKernelName(x.dtype, dtype);
  if (name === null) {
    // bool -> int32: identical words.
    backend.runtime.copy(backend.pointer(out), backend.pointer(x), 4 * n, 'Cast bool->int32');
    return out;
  }
  backend.runtime
    .fn('Cast', name)
    .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [backend.pointer(x), backend.pointer(out), n]);
  return out;
}

export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) =>
    castTo(
      cudaBackend(backend),
      (inputs as { x: tf.TensorInfo }).x,
      (attrs as unknown as tf.CastAttrs).dtype,
    ),
};
