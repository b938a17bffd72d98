// GatherV2 (tf.gather, batchDims 0): x viewed as [outer, axis_len, inner], indices [count];
// out[o, j, i] = x[o, indices[j], i]. An index outside [0, axis_len) yields 0 (tfjs-backend-cpu throws;
// checking here would need a device-to-host sync per gather).
#include "common.cuh"

extern "C" __global__ void gather_u32(const unsigned* x, const int* indices, unsigned* out, long long outer,
                                      long long axis_len, long long count, long long inner) {
  GRID_STRIDE_LOOP(i, outer * count * inner) {
    const long long within = i % inner;
    const long long j = (i / inner) % count;
    const long long o = i / (inner * count);
    const long long k = indices[j];
    out[i] = (k >= 0 && k < axis_len) ? x[(o * axis_len + k) * inner + within] : 0u;
  }
}

// The same from a table stored in bf16 (QLoRA's frozen embeddings): rows widened to float32 as read.
extern "C" __global__ void gather_bf16_to_f32(const unsigned short* x, const int* indices, unsigned* out,
                                              long long outer, long long axis_len, long long count,
                                              long long inner) {
  GRID_STRIDE_LOOP(i, outer * count * inner) {
    const long long within = i % inner;
    const long long j = (i / inner) % count;
    const long long o = i / (inner * count);
    const long long k = indices[j];
    out[i] = (k >= 0 && k < axis_len) ? (unsigned)x[(o * axis_len + k) * inner + within] << 16 : 0u;
  }
}
