// Elementwise unary kernels: float32 math (Exp, Log, Sqrt, Rsqrt, Square, Neg, Abs, Sigmoid, Tanh,
// Relu, ...), int32 (Neg, Abs, Square, Sign, LogicalNot) and float predicates (IsNan...) that write
// bool as int32 0/1. The operation is an argument, as in Binary.cu; p0/p1 carry op parameters
// (ClipByValue's bounds, Step's alpha).
#include "common.cuh"

// Operation codes; the host's kernels/unary-ops.ts holds the same numbers.
enum UnaryOp {
  OP_NEG = 0,
  OP_ABS = 1,
  OP_EXP = 2,
  OP_LOG = 3,
  OP_SQRT = 4,
  OP_RSQRT = 5,
  OP_SQUARE = 6,
  OP_RECIPROCAL = 7,
  OP_SIGMOID = 8,
  OP_TANH = 9,
  OP_RELU = 10,
  OP_SIN = 11,
  OP_COS = 12,
  OP_FLOOR = 13,
  OP_CEIL = 14,
  OP_ROUND = 15,
  OP_SIGN = 16,
  OP_LOG1P = 17,
  OP_EXPM1 = 18,
  OP_SOFTPLUS = 19,
  OP_ERF = 20,
  OP_CLIP = 21,
  OP_LOGICAL_NOT = 22,
  OP_STEP = 23,
  OP_IS_NAN = 30,
  OP_IS_INF = 31,
  OP_IS_FINITE = 32,
};

__device__ __forceinline__ float unary(int op, float x, float p0, float p1) {
  switch (op) {
    case OP_NEG: return -x;
    case OP_ABS: return fabsf(x);
    case OP_EXP: return expf(x);
    case OP_LOG: return logf(x);
    case OP_SQRT: return sqrtf(x);
    case OP_RSQRT: return 1.0f / sqrtf(x);
    case OP_SQUARE: return x * x;
    case OP_RECIPROCAL: return 1.0f / x;
    case OP_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case OP_TANH: return tanhf(x);
    case OP_RELU: return x < 0.0f ? 0.0f : x;  // NaN passes through, as on tfjs-backend-cpu
    case OP_SIN: return sinf(x);
    case OP_COS: return cosf(x);
    case OP_FLOOR: return floorf(x);
    case OP_CEIL: return ceilf(x);
    case OP_ROUND: return rintf(x);  // half to even, as tfjs
    case OP_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : (x == 0.0f ? 0.0f : NAN));
    case OP_LOG1P: return log1pf(x);
    case OP_EXPM1: return expm1f(x);
    case OP_SOFTPLUS: {
      // tfjs's thresholds: log(float32 epsilon) + 2.
      const float threshold = -13.942385152878742f;
      if (x > -threshold) return x;
      if (x < threshold) return expf(x);
      return log1pf(expf(x));
    }
    case OP_ERF: return erff(x);
    case OP_CLIP: return x > p1 ? p1 : (x < p0 ? p0 : x);
    case OP_STEP: return x != x ? x : (x > 0.0f ? 1.0f : p0);  // p0 = alpha; the gradient of Relu and Abs
    default: return NAN;
  }
}

__device__ __forceinline__ int unary(int op, int x) {
  switch (op) {
    case OP_NEG: return (int)(0u - (unsigned)x);
    case OP_ABS: return x < 0 ? (int)(0u - (unsigned)x) : x;
    case OP_SQUARE: return (int)((long long)x * x);
    case OP_SIGN: return (x > 0) - (x < 0);
    case OP_LOGICAL_NOT: return x == 0;
    default: return 0;
  }
}

__device__ __forceinline__ int predicate(int op, float x) {
  switch (op) {
    case OP_IS_NAN: return isnan(x);
    case OP_IS_INF: return isinf(x);
    case OP_IS_FINITE: return isfinite(x);
    default: return 0;
  }
}

extern "C" __global__ void unary_f32(const float* x, float* out, long long n, int op, float p0, float p1) {
  GRID_STRIDE_LOOP(i, n) out[i] = unary(op, x[i], p0, p1);
}

extern "C" __global__ void unary_i32(const int* x, int* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = unary(op, x[i]);
}

extern "C" __global__ void predicate_f32(const float* x, int* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = predicate(op, x[i]);
}
