// Softmax statistics of one row, shared by CrossEntropy.cu and TokenLogprobs.cu (one block per row).
#pragma once

#include "common.cuh"

// The row's max and sum of exp(x - max) (in double); every thread of the block gets them.
struct RowStats {
  float max;
  double sum;
};

__device__ __forceinline__ RowStats row_stats(const float* xr, long long vocab) {
  float m = -INFINITY;
  for (long long j = threadIdx.x; j < vocab; j += blockDim.x) m = fmaxf(m, xr[j]);
  m = block_max(m);
  double sum = 0.0;
  for (long long j = threadIdx.x; j < vocab; j += blockDim.x) sum += (double)expf(xr[j] - m);
  return {m, block_sum(sum)};
}
