// LoraLinearGrad's masked accumulation dx += drop(dxa A) (src/kernels/LoraLinear.ts; the scale, bias and
// plain accumulation are folded into the cuBLASLt GEMMs, and h = drop(x) is PhiloxDropout.cu's kernel).
// Arithmetic in double, rounded once to float32, as core-tensor's host kernel does in JS numbers.
// Also the bf16 operands of the concatenated GEMMs (lora-concat.ts): y = [x | xa] [W | s B]^T and
// dx = [dy | dxa] [W ; A] in one product each, instead of a low-rank GEMM that re-reads and re-writes the
// float32 output (beta = 1).
#include <cuda_bf16.h>

#include "philox.cuh"

__device__ __forceinline__ unsigned short bf16_bits(float v) {
  return __bfloat16_as_ushort(__float2bfloat16_rn(v));
}

// Element (row, col) of [a | bf16(scale b) | 0] with a [rows, aCols] bf16, b [rows, bCols] float32.
__device__ __forceinline__ unsigned short concat_at(const unsigned short* a, const float* b, long long row, int col,
                                                    int aCols, int bCols, float scale) {
  if (col < aCols) return a[row * aCols + col];
  if (col < aCols + bCols) return bf16_bits(scale * b[row * bCols + (col - aCols)]);
  return 0;
}

// out [rows, ld] (ld even, >= aCols + bCols) = [a | bf16(scale b) | zeros], two columns per thread step.
extern "C" __global__ void lora_concat_cols_bf16(const unsigned short* a, const float* b, unsigned* out,
                                                 long long rows, int aCols, int bCols, int ld, float scale) {
  const int half = ld / 2;
  GRID_STRIDE_LOOP(p, rows * half) {
    const long long row = p / half;
    const int col = 2 * (int)(p - row * half);
    const unsigned lo = concat_at(a, b, row, col, aCols, bCols, scale);
    const unsigned hi = concat_at(a, b, row, col + 1, aCols, bCols, scale);
    out[p] = lo | (hi << 16);
  }
}

// out [total] = [a (aCount bf16) ; bf16(b) (bCount float32) ; zeros]: [W ; A] stacked by rows.
extern "C" __global__ void lora_stack_rows_bf16(const unsigned short* a, const float* b, unsigned short* out,
                                                long long aCount, long long bCount, long long total) {
  GRID_STRIDE_LOOP(i, total) {
    out[i] = i < aCount ? a[i] : i < aCount + bCount ? bf16_bits(b[i - aCount]) : (unsigned short)0;
  }
}

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
