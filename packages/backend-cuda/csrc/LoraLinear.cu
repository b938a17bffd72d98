// LoraLinear and LoraLinearGrad: the dropout parts around the cuBLASLt GEMMs (src/kernels/LoraLinear.ts; the
// scale, bias and accumulation are folded into the GEMMs).
// Arithmetic in double, rounded once to float32, as core-tensor's host kernel does in JS numbers.
#include "common.cuh"

// out[i] = keep[i] != 0 ? x[i] * scale : 0 (inverted dropout with a mask regenerated from its Philox stream).
extern "C" __global__ void lora_dropout(const float* x, const float* keep, float* out, long long n, double scale) {
  GRID_STRIDE_LOOP(i, n) { out[i] = keep[i] != 0.0f ? (float)((double)x[i] * scale) : 0.0f; }
}

// dx[i] += drop(t[i]), where drop is the identity when keep is null.
extern "C" __global__ void lora_add_dropout(float* dx, const float* t, const float* keep, long long n,
                                            double scale) {
  GRID_STRIDE_LOOP(i, n) {
    float dh = t[i];
    if (keep != nullptr) dh = keep[i] != 0.0f ? (float)((double)dh * scale) : 0.0f;
    dx[i] = dx[i] + dh;
  }
}
