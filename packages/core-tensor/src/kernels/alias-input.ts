import type { tf } from '../tf.js';

/** A kernel output that shares `x`'s buffer: the backend's refcount on it goes up by one. */
export function aliasInput(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
