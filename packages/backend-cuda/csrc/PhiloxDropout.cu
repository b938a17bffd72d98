// PhiloxDropout (core-tensor's random/kernels/PhiloxDropout.ts): inverted dropout whose mask is
// regenerated from (rate, key0, key1, offset), so forward and backward draw the same mask without
// storing it. One thread per block of 4 elements (one Philox call).
#include "philox.cuh"

extern "C" __global__ void philox_dropout(const float* x, float* out, long long n, double rate, double scale,
                                          unsigned key0, unsigned key1, long long offset) {
  GRID_STRIDE_LOOP(q, (n + 3) / 4) {
    const Keep4 keep = dropout_keep4(q, rate, key0, key1, offset);
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      const long long i = 4 * q + lane;
      if (i < n) out[i] = keep.k[lane] ? (float)((double)x[i] * scale) : 0.0f;
    }
  }
}
