// Elementwise binary kernels (Add, Sub, Multiply, RealDiv, Maximum, Minimum, Pow, SquaredDifference,
// FloorDiv, Mod, comparisons, logical and/or) for float32 and int32 (bool is stored as int32 0/1).
// One kernel per dtype family with the operation as an argument: the switch costs nothing next to the
// memory traffic, and one launcher serves every op. `_same` is for operands of the output's shape;
// `_bcast` reads both operands through strided views (stride 0 on broadcast dimensions).
#include "common.cuh"

// Operation codes; the host's kernels/binary-ops.ts holds the same numbers.
enum BinaryOp {
  OP_ADD = 0,
  OP_SUB = 1,
  OP_MUL = 2,
  OP_DIV = 3,
  OP_MAXIMUM = 4,
  OP_MINIMUM = 5,
  OP_POW = 6,
  OP_SQUARED_DIFFERENCE = 7,
  OP_FLOOR_DIV = 8,
  OP_MOD = 9,
  OP_EQUAL = 20,
  OP_NOT_EQUAL = 21,
  OP_LESS = 22,
  OP_LESS_EQUAL = 23,
  OP_GREATER = 24,
  OP_GREATER_EQUAL = 25,
  OP_LOGICAL_AND = 26,
  OP_LOGICAL_OR = 27,
};

// tfjs-backend-cpu propagates NaN through max/min (Math.max); fmaxf would drop it.
__device__ __forceinline__ float nan_max(float a, float b) { return (a != a || b != b) ? NAN : fmaxf(a, b); }
__device__ __forceinline__ float nan_min(float a, float b) { return (a != a || b != b) ? NAN : fminf(a, b); }

__device__ __forceinline__ float arith(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return a / b;
    case OP_MAXIMUM: return nan_max(a, b);
    case OP_MINIMUM: return nan_min(a, b);
    case OP_POW: return powf(a, b);
    case OP_SQUARED_DIFFERENCE: { const float d = a - b; return d * d; }
    case OP_FLOOR_DIV: return floorf(a / b);
    case OP_MOD: {
      // tfjs: the remainder takes the divisor's sign.
      const float r = fmodf(a, b);
      return (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) ? r + b : r;
    }
    default: return NAN;
  }
}

__device__ __forceinline__ int arith(int op, int a, int b) {
  switch (op) {
    case OP_ADD: return (int)((unsigned)a + (unsigned)b);  // wraps like Int32Array
    case OP_SUB: return (int)((unsigned)a - (unsigned)b);
    case OP_MUL: return (int)((long long)a * (long long)b);
    case OP_DIV: return b == 0 ? 0 : (int)((double)a / (double)b);
    case OP_MAXIMUM: return a > b ? a : b;
    case OP_MINIMUM: return a < b ? a : b;
    case OP_POW: return (int)pow((double)a, (double)b);
    case OP_SQUARED_DIFFERENCE: { const long long d = (long long)a - b; return (int)(d * d); }
    case OP_FLOOR_DIV: return b == 0 ? 0 : (int)floor((double)a / (double)b);
    case OP_MOD: {
      if (b == 0) return 0;
      const int r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
    default: return 0;
  }
}

template <typename T>
__device__ __forceinline__ int compare(int op, T a, T b) {
  switch (op) {
    case OP_EQUAL: return a == b;
    case OP_NOT_EQUAL: return a != b;
    case OP_LESS: return a < b;
    case OP_LESS_EQUAL: return a <= b;
    case OP_GREATER: return a > b;
    case OP_GREATER_EQUAL: return a >= b;
    case OP_LOGICAL_AND: return (a != 0) && (b != 0);
    case OP_LOGICAL_OR: return (a != 0) || (b != 0);
    default: return 0;
  }
}

extern "C" __global__ void binary_same_f32(const float* a, const float* b, float* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = arith(op, a[i], b[i]);
}

extern "C" __global__ void binary_bcast_f32(const float* a, const float* b, float* out, long long n, int op,
                                            StridedView va, StridedView vb) {
  GRID_STRIDE_LOOP(i, n) out[i] = arith(op, a[strided_offset(va, i)], b[strided_offset(vb, i)]);
}

extern "C" __global__ void binary_same_i32(const int* a, const int* b, int* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = arith(op, a[i], b[i]);
}

extern "C" __global__ void binary_bcast_i32(const int* a, const int* b, int* out, long long n, int op,
                                            StridedView va, StridedView vb) {
  GRID_STRIDE_LOOP(i, n) out[i] = arith(op, a[strided_offset(va, i)], b[strided_offset(vb, i)]);
}

extern "C" __global__ void compare_same_f32(const float* a, const float* b, int* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = compare(op, a[i], b[i]);
}

extern "C" __global__ void compare_bcast_f32(const float* a, const float* b, int* out, long long n, int op,
                                             StridedView va, StridedView vb) {
  GRID_STRIDE_LOOP(i, n) out[i] = compare(op, a[strided_offset(va, i)], b[strided_offset(vb, i)]);
}

extern "C" __global__ void compare_same_i32(const int* a, const int* b, int* out, long long n, int op) {
  GRID_STRIDE_LOOP(i, n) out[i] = compare(op, a[i], b[i]);
}

extern "C" __global__ void compare_bcast_i32(const int* a, const int* b, int* out, long long n, int op,
                                             StridedView va, StridedView vb) {
  GRID_STRIDE_LOOP(i, n) out[i] = compare(op, a[strided_offset(va, i)], b[strided_offset(vb, i)]);
}
