// Cast between storage types. bool is stored as int32 0/1, so the only conversions that touch values
// are float32 <-> int32 and "to bool" (x != 0); same-storage casts are aliases or copies on the host.
#include <cuda_bf16.h>

#include "common.cuh"

// NaN becomes 0 and out-of-range values saturate (PTX cvt.rzi); tfjs-backend-cpu wraps modulo 2^32
// (Int32Array.from), which only differs for |x| >= 2^31.
extern "C" __global__ void cast_f32_to_i32(const float* x, int* out, long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = (int)x[i];
}

extern "C" __global__ void cast_i32_to_f32(const int* x, float* out, long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = (float)x[i];
}

extern "C" __global__ void cast_f32_to_bool(const float* x, int* out, long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = x[i] != 0.0f;  // NaN != 0 is true, as in tfjs
}

extern "C" __global__ void cast_i32_to_bool(const int* x, int* out, long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = x[i] != 0;
}

// The bf16 copy of a float32 tensor that tensor-core matmuls read (round to nearest even); two elements
// per thread step, so a 4-byte load becomes one 4-byte store.
extern "C" __global__ void cast_f32_to_bf16(const float* x, unsigned int* out, long long n) {
  GRID_STRIDE_LOOP(i, (n + 1) / 2) {
    const float lo = x[2 * i];
    const float hi = 2 * i + 1 < n ? x[2 * i + 1] : 0.0f;
    const __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    out[i] = *reinterpret_cast<const unsigned int*>(&v);
  }
}

// The float32 values of a tensor stored in bf16 (RoundToBf16, dequantised matmul operands), for a kernel
// that reads float32: exact, a bf16 value is the top half of a float32.
extern "C" __global__ void cast_bf16_to_f32(const unsigned short* x, unsigned* out, long long n) {
  GRID_STRIDE_LOOP(i, n) out[i] = (unsigned)x[i] << 16;
}
