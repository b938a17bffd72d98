// WriteCacheRows (core-tensor's writeCacheRows: the serving engine's KV cache written in place), over
// csrc/WriteCacheRows.cu. The output is the cache itself: the kernel writes the new rows into the
// cache's device buffer and returns an alias of it (CudaBackend.alias: same dataId, refcount + 1), as
// the cpu/wasm host kernels do. The caller then disposes the old handle and keeps the result; a tensor
// that shares the cache's buffer (a Reshape of it) sees the write too, which is why the op asks for a
// cache no other tensor shares. The write is ordered on the backend's one stream, so reads of the
// cache queued before it see the old rows and those queued after see the new ones.
import { WriteCacheRows, tf } from '@medgpt/core-tensor';
import { BLOCK, cudaBackend, gridFor, requireFloat32, sizeOf } from './launch-config.js';

export const writeCacheRowsConfig: tf.KernelConfig = {
  kernelName: WriteCacheRows,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { cache, rows, indices } = inputs as {
      cache: tf.TensorInfo;
      rows: tf.TensorInfo;
      indices: tf.TensorInfo;
    };
    requireFloat32(WriteCacheRows, 'cache', cache);
    requireFloat32(WriteCacheRows, 'rows', rows);
    const width = cache.shape[1]!;
    const count = rows.shape[0]!;
    if (cache.shape.length !== 2 || rows.shape.length !== 2 || rows.shape[1] !== width)
      throw new RangeError(
        `cuda ${WriteCacheRows}: rows [${rows.shape}] must be 2-D with the width of the cache [${cache.shape}]`,
      );
    if (indices.dtype !== 'int32' || sizeOf(indices) !== count)
      throw new TypeError(
        `cuda ${WriteCacheRows}: indices must be int32 [${count}], got ${indices.dtype} [${indices.shape}]`,
      );
    // Indices stay on the device: checking them here would sync the stream on every layer of every
    // step. The kernel skips rows whose index is outside the cache instead (see the .cu).
    if (count * width > 0) {
      backend.invalidateCopies(cache); // a bf16 copy of the old contents must not outlive the write
      backend.runtime
        .fn('WriteCacheRows', 'write_cache_rows_u32')
        .launch(backend.runtime.stream, gridFor(count * width), BLOCK, 0, [
          backend.pointer(rows),
          backend.pointer(indices),
          backend.pointer(cache),
          count,
          width,
          cache.shape[0]!,
        ]);
    }
    return backend.alias(cache);
  },
};
