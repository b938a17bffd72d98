// Softmax statistics of one row, shared by CrossEntropy.cu and TokenLogprobs.cu (one block per row),
// and the vectorised row loops they use. The max and the sum of exp(x - max) come from one pass over
// the row (each thread keeps a running max and rescales its double sum when the max grows; the block
// then merges the pairs), so a [rows, vocab] logits block is read once for the statistics.
#pragma once

#include "common.cuh"

// The row's max and sum of exp(x - max) (in double); every thread of the block gets them.
struct RowStats {
  float max;
  double sum;
};

// Adds x to a running (max, sum). -inf adds nothing; NaN makes the sum NaN (as the two-pass form did).
__device__ __forceinline__ void stats_add(float& m, double& s, float x) {
  if (x > m) {
    s = (m == -INFINITY ? 0.0 : s * (double)expf(m - x)) + 1.0;
    m = x;
  } else if (x != -INFINITY) {
    s += (double)expf(x - m);
  }
}

// Merges (m2, s2) into (m, s).
__device__ __forceinline__ void stats_merge(float& m, double& s, float m2, double s2) {
  const float top = fmaxf(m, m2);
  if (top == -INFINITY) return;
  s = (m == -INFINITY ? 0.0 : s * (double)expf(m - top)) + (m2 == -INFINITY ? 0.0 : s2 * (double)expf(m2 - top));
  m = top;
}

// Whether the row can be read as float4 (rows start 16-byte aligned when vocab % 4 == 0).
__device__ __forceinline__ bool row_vectorisable(long long vocab) { return (vocab & 3) == 0; }

__device__ __forceinline__ RowStats row_stats(const float* xr, long long vocab) {
  float m = -INFINITY;
  double s = 0.0;
  if (row_vectorisable(vocab)) {
    const float4* x4 = reinterpret_cast<const float4*>(xr);
    for (long long j = threadIdx.x; j < vocab / 4; j += blockDim.x) {
      const float4 v = x4[j];
      stats_add(m, s, v.x);
      stats_add(m, s, v.y);
      stats_add(m, s, v.z);
      stats_add(m, s, v.w);
    }
  } else {
    for (long long j = threadIdx.x; j < vocab; j += blockDim.x) stats_add(m, s, xr[j]);
  }
  for (int o = 16; o > 0; o >>= 1) {
    const float m2 = __shfl_xor_sync(FULL_MASK, m, o);
    const double s2 = __shfl_xor_sync(FULL_MASK, s, o);
    stats_merge(m, s, m2, s2);
  }
  __shared__ float part_m[32];
  __shared__ double part_s[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  __syncthreads();  // earlier readers of part_* (a previous row) are done
  if (lane == 0) {
    part_m[warp] = m;
    part_s[warp] = s;
  }
  __syncthreads();
  m = -INFINITY;
  s = 0.0;
  for (int w = 0; w < warps; ++w) stats_merge(m, s, part_m[w], part_s[w]);
  return {m, s};
}

// dxr[j] = f(j, xr[j]) over a row, float4 at a time when the row allows it.
template <typename F>
__device__ __forceinline__ void map_row(const float* xr, float* dxr, long long vocab, F f) {
  if (row_vectorisable(vocab)) {
    const float4* x4 = reinterpret_cast<const float4*>(xr);
    float4* d4 = reinterpret_cast<float4*>(dxr);
    for (long long j = threadIdx.x; j < vocab / 4; j += blockDim.x) {
      const float4 v = x4[j];
      d4[j] = make_float4(f(4 * j, v.x), f(4 * j + 1, v.y), f(4 * j + 2, v.z), f(4 * j + 3, v.w));
    }
  } else {
    for (long long j = threadIdx.x; j < vocab; j += blockDim.x) dxr[j] = f(j, xr[j]);
  }
}
