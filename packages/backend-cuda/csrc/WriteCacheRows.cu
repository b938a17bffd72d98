// WriteCacheRows (core-tensor's writeCacheRows, the serving engine's KV-cache write): row indices[r] of
// cache [cache_rows, width] becomes row r of rows [count, width], in place (the launcher returns the
// cache's own buffer as the output). Every stored dtype is 4 bytes wide, so 32-bit words move. A row
// whose index is outside [0, cache_rows) is skipped: checking on the host would need a device-to-host
// sync per layer and step (the indices are a device tensor), and a stray write would corrupt another
// tensor. Indices must be distinct (the op's contract); with duplicates the winner is unspecified.
#include "common.cuh"

extern "C" __global__ void write_cache_rows_u32(const unsigned* rows, const int* indices, unsigned* cache,
                                                long long count, long long width, long long cache_rows) {
  GRID_STRIDE_LOOP(i, count * width) {
    const long long r = i / width;
    const long long k = indices[r];
    if (k >= 0 && k < cache_rows) cache[k * width + (i - r * width)] = rows[i];
  }
}
