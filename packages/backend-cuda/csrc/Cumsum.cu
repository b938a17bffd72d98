// Cumsum along the middle axis of an input viewed as [outer, len, inner]: one thread per line, walking
// it in order, so every partial sum is rounded exactly as tfjs-backend-cpu rounds it (float32 storage
// after each add). Exclusive and reverse as tf.cumsum.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ void scan_line(const T* x, T* out, long long base, long long len, long long inner,
                                          int exclusive, int reverse) {
  T acc = 0;
  for (long long step = 0; step < len; ++step) {
    const long long j = reverse ? len - 1 - step : step;
    const long long at = base + j * inner;
    if (exclusive) {
      out[at] = acc;
      acc = acc + x[at];
    } else {
      acc = acc + x[at];
      out[at] = acc;
    }
  }
}

extern "C" __global__ void cumsum_f32(const float* x, float* out, long long outer, long long len, long long inner,
                                      int exclusive, int reverse) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    scan_line(x, out, (o / inner) * len * inner + (o % inner), len, inner, exclusive, reverse);
  }
}

extern "C" __global__ void cumsum_i32(const int* x, int* out, long long outer, long long len, long long inner,
                                      int exclusive, int reverse) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    scan_line(x, out, (o / inner) * len * inner + (o % inner), len, inner, exclusive, reverse);
  }
}
