// UnsortedSegmentSum (the gradient of gather / embedding): x viewed as [rows, inner], segment_ids [rows];
// out[s, i] = sum of x[r, i] over rows r with segment_ids[r] == s. The host zero-fills `out` first;
// ids outside [0, num_segments) are dropped, as in TensorFlow. Float atomics make the summation order
// (and so the last bits) vary between runs.
#include "common.cuh"

extern "C" __global__ void segment_sum_f32(const float* x, const int* segment_ids, float* out, long long rows,
                                           long long inner, long long num_segments) {
  GRID_STRIDE_LOOP(i, rows * inner) {
    const long long s = segment_ids[i / inner];
    if (s >= 0 && s < num_segments) atomicAdd(out + s * inner + (i % inner), x[i]);
  }
}

extern "C" __global__ void segment_sum_i32(const int* x, const int* segment_ids, int* out, long long rows,
                                           long long inner, long long num_segments) {
  GRID_STRIDE_LOOP(i, rows * inner) {
    const long long s = segment_ids[i / inner];
    if (s >= 0 && s < num_segments) atomicAdd(out + s * inner + (i % inner), x[i]);
  }
}
