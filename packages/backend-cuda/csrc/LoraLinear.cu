// LoraLinearGrad's masked accumulation dx += drop(dxa A) (src/kernels/LoraLinear.ts; the scale, bias and
// plain accumulation are folded into the cuBLASLt GEMMs, and h = drop(x) is PhiloxDropout.cu's kernel).
// Arithmetic in double, rounded once to float32, as core-tensor's host kernel does in JS numbers.
#include "philox.cuh"

// dx += drop(t), with the mask PhiloxDropout.cu's philox_dropout draws for the same stream (the forward's h).
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
