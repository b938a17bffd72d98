// Dequantize4bit and DequantizeInt8 (core-tensor's dequantize4bit / dequantizeInt8): a quantised base
// weight back to float32 (or straight to bf16 for a bf16 matmul) for one matmul, as bitsandbytes
// dequantises it. The codes arrive as the bytes of an int32 tensor (little-endian, so byte k of the
// buffer is byte k of the weight). Every product is one float32 multiply with no FMA contraction
// (__fmul_rn), so the values match bitsandbytes' kernels and the host reference bit for bit.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "common.cuh"

// dtype: 0 = float32 (as is), 1 = bfloat16, 2 = float16: the value rounded to the weight's dtype.
__device__ __forceinline__ float round_to(float v, int dtype) {
  if (dtype == 1) return __bfloat162float(__float2bfloat16_rn(v));
  if (dtype == 2) return __half2float(__float2half_rn(v));
  return v;
}

// A dequantised value goes out as float32, or as bf16 (round to nearest even) when the weight only feeds
// bf16 matmuls (core-tensor's matmulOperand): then no float32 buffer exists, and the bf16 value is
// the one the matmul's own float32 -> bf16 copy would have made.
__device__ __forceinline__ void store(float* out, long long i, float v) { out[i] = v; }
__device__ __forceinline__ void store(__nv_bfloat16* out, long long i, float v) { out[i] = __float2bfloat16_rn(v); }

// Element i of n: the high nibble of byte i/2 for even i, the low one for odd i; code[q] * absmax[i / blocksize].
template <typename Out>
__device__ __forceinline__ void dequantize_4bit_impl(const unsigned char* packed, const float* absmax,
                                                     const float* code, Out* out, long long n, long long blocksize,
                                                     int dtype) {
  GRID_STRIDE_LOOP(i, n) {
    const unsigned char byte = packed[i >> 1];
    const int q = (i & 1) ? (byte & 0x0f) : (byte >> 4);
    store(out, i, round_to(__fmul_rn(code[q], absmax[i / blocksize]), dtype));
  }
}

extern "C" __global__ void dequantize_4bit(const unsigned char* packed, const float* absmax, const float* code,
                                           float* out, long long n, long long blocksize, int dtype) {
  dequantize_4bit_impl(packed, absmax, code, out, n, blocksize, dtype);
}

extern "C" __global__ void dequantize_4bit_bf16(const unsigned char* packed, const float* absmax, const float* code,
                                                __nv_bfloat16* out, long long n, long long blocksize, int dtype) {
  dequantize_4bit_impl(packed, absmax, code, out, n, blocksize, dtype);
}

// The same with a double-quantised absmax (bitsandbytes' nested quant state): block b's absmax is
// absmax_code[q8[b]] * nested_absmax[b / nested_blocksize] + offset, both steps rounded to float32 as
// bitsandbytes computes them (it dequantises the absmax first, then adds the offset).
template <typename Out>
__device__ __forceinline__ void dequantize_4bit_nested_impl(const unsigned char* packed,
                                                            const unsigned char* absmax_codes,
                                                            const float* absmax_code, const float* nested_absmax,
                                                            const float* code, Out* out, long long n,
                                                            long long blocksize, long long nested_blocksize,
                                                            float offset, int dtype) {
  GRID_STRIDE_LOOP(i, n) {
    const long long b = i / blocksize;
    const float absmax = __fadd_rn(__fmul_rn(absmax_code[absmax_codes[b]], nested_absmax[b / nested_blocksize]), offset);
    const unsigned char byte = packed[i >> 1];
    const int q = (i & 1) ? (byte & 0x0f) : (byte >> 4);
    store(out, i, round_to(__fmul_rn(code[q], absmax), dtype));
  }
}

extern "C" __global__ void dequantize_4bit_nested(const unsigned char* packed, const unsigned char* absmax_codes,
                                                  const float* absmax_code, const float* nested_absmax,
                                                  const float* code, float* out, long long n, long long blocksize,
                                                  long long nested_blocksize, float offset, int dtype) {
  dequantize_4bit_nested_impl(packed, absmax_codes, absmax_code, nested_absmax, code, out, n, blocksize,
                              nested_blocksize, offset, dtype);
}

extern "C" __global__ void dequantize_4bit_nested_bf16(const unsigned char* packed, const unsigned char* absmax_codes,
                                                       const float* absmax_code, const float* nested_absmax,
                                                       const float* code, __nv_bfloat16* out, long long n,
                                                       long long blocksize, long long nested_blocksize, float offset,
                                                       int dtype) {
  dequantize_4bit_nested_impl(packed, absmax_codes, absmax_code, nested_absmax, code, out, n, blocksize,
                              nested_blocksize, offset, dtype);
}

// Element (r, c) of [rows, cols]: (q * scb[r]) * (1/127), each product rounded to float32.
template <typename Out>
__device__ __forceinline__ void dequantize_int8_impl(const signed char* codes, const float* scb, Out* out,
                                                     long long rows, long long cols) {
  const float inv127 = 7.874015718698502e-3f;
  GRID_STRIDE_LOOP(i, rows * cols) {
    store(out, i, __fmul_rn(__fmul_rn((float)codes[i], scb[i / cols]), inv127));
  }
}

extern "C" __global__ void dequantize_int8(const signed char* codes, const float* scb, float* out, long long rows,
                                           long long cols) {
  dequantize_int8_impl(codes, scb, out, rows, cols);
}

extern "C" __global__ void dequantize_int8_bf16(const signed char* codes, const float* scb, __nv_bfloat16* out,
                                                long long rows, long long cols) {
  dequantize_int8_impl(codes, scb, out, rows, cols);
}
