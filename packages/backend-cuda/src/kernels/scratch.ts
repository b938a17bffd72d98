// Temporary device buffers a kernel needs between its launches (row statistics, counts). They are
// not tensors: allocated from the pool and freed in stream order right after the launches that use them.
import type { CudaBackend } from '../backend/cuda-backend.js';

/** Runs `body` with `bytes` of scratch device memory, freeing it (stream-ordered) afterwards. */
export function withScratch<T>(
  backend: CudaBackend,
  bytes: number,
  what: string,
  body: (pointer: number) => T,
): T {
  const allocator = backend.runtime.allocator;
  const pointer = allocator.alloc(bytes, what);
  try {
    return body(pointer);
  } finally {
    allocator.free(pointer, bytes);
  }
}
