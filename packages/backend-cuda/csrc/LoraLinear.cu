// LoraLinear and LoraLinearGrad: the dropout parts around the cuBLASLt GEMMs (src/kernels/LoraLinear.ts; the
// scale, bias and accumulation are folded into the GEMMs).
// Arithmetic in double, rounded once to float32, as core-tensor's host kernel does in JS numbers.
#include "philox.cuh"

// out = drop(x): x * scale where the op's Philox stream keeps the element, else 0 (philox.cuh).
extern "C" __global__ void lora_dropout(const float* x, float* out, long long n, double rate, double scale,
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

// dx += drop(t), with the same mask as lora_dropout for the same stream.
extern "C" __global__ void lora_add_dropout(float* dx, const float* t, long long n, double rate, double scale,
                                           unsigned key0, unsigned key1, long long offset) {
  GRID_STRIDE_LOOP(q, (n + 3) / 4) {
    const Keep4 keep = dropout_keep4(q, rate, key0, key1, offset);
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      const long long i = 4 * q + lane;
      if (i < n) dx[i] = dx[i] + (keep.k[lane] ? (float)((double)t[i] * scale) : 0.0f);
    }
  }
}
