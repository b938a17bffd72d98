import { tf } from '../tf.js';
import { WriteCacheRows } from '../kernel-names.js';

/**
 * A KV cache written in place: returns `cache` (float32 [R, W]) with row `indices[i]` replaced by
 * `rows[i]` (float32 [N, W]; indices int32 [N], distinct, in [0, R)). On cpu and wasm the result shares
 * `cache`'s buffer and the write happens in it (no copy): the caller then disposes `cache` and keeps
 * the result, and no other tensor may share that buffer (make the cache with tf.zeros, never
 * tf.clone). Other backends may return a written copy, so the same calling pattern is right for all.
 * Not differentiable: it is for inference caches.
 */
export function writeCacheRows(cache: tf.Tensor2D, rows: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  if (cache.dtype !== 'float32' || rows.dtype !== 'float32' || cache.rank !== 2 || rows.rank !== 2)
    throw new Error(
      `writeCacheRows: cache and rows must be float32 2-D, got [${cache.shape}] and [${rows.shape}]`,
    );
  if (rows.shape[1] !== cache.shape[1])
    throw new Error(`writeCacheRows: rows [${rows.shape}] must have the cache's width ${cache.shape[1]}`);
  if (indices.dtype !== 'int32' || indices.rank !== 1 || indices.shape[0] !== rows.shape[0])
    throw new Error(
      `writeCacheRows: indices must be int32 [${rows.shape[0]}], got ${indices.dtype} [${indices.shape}]`,
    );
  return tf.engine().runKernel(WriteCacheRows, { cache, rows, indices }) as tf.Tensor2D;
}
