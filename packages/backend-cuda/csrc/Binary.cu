// Elementwise binary kernels (Add, Sub, Multiply, RealDiv, Maximum, Minimum, Pow, SquaredDifference,
// FloorDiv, Mod, comparisons, logical and/or) for float32 and int32 (bool is stored as int32 0/1).
// One kernel per dtype family with the operation as an argument: the switch costs nothing next to the
// memory traffic, and one launcher serves every op. Three forms per family:
// - `_same`: operands laid out like the output (same shape, or shapes that differ only by 1s): a
//   grid-stride loop over 16-byte vectors (float4/int4) when the three pointers are 16-byte aligned,
//   scalar otherwise, and for the last n % 4 elements.
// - `_bcast2`: views that collapse to rank <= 2 ([rows, cols] with a (row, column) stride pair per
//   operand): row broadcasts (bias adds, [T, C] + [C]), column broadcasts ([T, C] * [T, 1]) and
//   scalars. The host sets `vec` when the output's rows are whole 16-byte vectors and each operand is
//   either contiguous along a row (aligned) or constant along it; then one thread does four outputs.
//   32-bit index arithmetic below 2^31 elements.
// - `_bcast`: any other view (rank 3 to MAX_RANK) through strided views (stride 0 on broadcast
//   dimensions), both offsets from one coordinate decomposition, 32-bit below 2^31 elements, the
//   views' fields read from the parameter space (no local-memory copy).
// Every form reads an element of each operand before writing the same output element, so `out` may
// alias an operand of the output's layout (AddN accumulates in place).
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

// The op as a functor, so the forms below are written once for arithmetic and comparisons.
struct Arith {
  int op;
  template <typename T>
  __device__ __forceinline__ T operator()(T a, T b) const { return arith(op, a, b); }
};

struct Compare {
  int op;
  template <typename T>
  __device__ __forceinline__ int operator()(T a, T b) const { return compare(op, a, b); }
};

template <typename T>
struct Vec4;
template <>
struct Vec4<float> {
  typedef float4 type;
  static __device__ __forceinline__ float4 splat(float v) { return make_float4(v, v, v, v); }
};
template <>
struct Vec4<int> {
  typedef int4 type;
  static __device__ __forceinline__ int4 splat(int v) { return make_int4(v, v, v, v); }
};

template <typename In, typename Out, typename F>
__device__ __forceinline__ typename Vec4<Out>::type apply4(F f, typename Vec4<In>::type x,
                                                           typename Vec4<In>::type y) {
  typename Vec4<Out>::type r;
  r.x = f(x.x, y.x);
  r.y = f(x.y, y.y);
  r.z = f(x.z, y.z);
  r.w = f(x.w, y.w);
  return r;
}

__device__ __forceinline__ bool aligned16(const void* a, const void* b, const void* c) {
  return ((reinterpret_cast<uintptr_t>(a) | reinterpret_cast<uintptr_t>(b) | reinterpret_cast<uintptr_t>(c)) &
          15) == 0;
}

template <typename In, typename Out, typename F>
__device__ __forceinline__ void same_form(const In* a, const In* b, Out* out, long long n, F f) {
  typedef typename Vec4<In>::type VIn;
  typedef typename Vec4<Out>::type VOut;
  long long done = 0;
  if (aligned16(a, b, out)) {
    const long long n4 = n >> 2;
    const VIn* a4 = reinterpret_cast<const VIn*>(a);
    const VIn* b4 = reinterpret_cast<const VIn*>(b);
    VOut* o4 = reinterpret_cast<VOut*>(out);
    GRID_STRIDE_LOOP(i, n4) o4[i] = apply4<In, Out>(f, a4[i], b4[i]);
    done = n4 << 2;
  }
  GRID_STRIDE_LOOP(i, n - done) out[done + i] = f(a[done + i], b[done + i]);
}

// Four consecutive elements of one row of an operand: a vector load where the operand runs along the
// row (cs == 1, offset a multiple of 4 on an aligned pointer), one value repeated where it is constant
// along the row (cs == 0).
template <typename T, typename I>
__device__ __forceinline__ typename Vec4<T>::type load_row4(const T* p, I offset, I cs) {
  if (cs == 0) return Vec4<T>::splat(p[offset]);
  return *reinterpret_cast<const typename Vec4<T>::type*>(p + offset);
}

// I is the index type: unsigned when n < 2^31 (cheap division; offsets are below n since a broadcast
// operand has at most n elements, and i + grid stride stays below 2^32), else long long.
template <typename I, typename In, typename Out, typename F>
__device__ __forceinline__ void bcast2_form(const In* a, const In* b, Out* out, I n, I cols, I a_rs, I a_cs, I b_rs,
                                            I b_cs, bool vec, F f) {
  const I stride = (I)blockDim.x * gridDim.x;
  const I first = (I)blockIdx.x * blockDim.x + threadIdx.x;
  if (vec) {
    typedef typename Vec4<Out>::type VOut;
    const I n4 = n / 4, cols4 = cols / 4;
    for (I q = first; q < n4; q += stride) {
      const I r = q / cols4;
      const I c = (q - r * cols4) * 4;
      const auto x = load_row4(a, r * a_rs + c * a_cs, a_cs);
      const auto y = load_row4(b, r * b_rs + c * b_cs, b_cs);
      reinterpret_cast<VOut*>(out)[q] = apply4<In, Out>(f, x, y);
    }
    return;
  }
  for (I i = first; i < n; i += stride) {
    const I r = i / cols;
    const I c = i - r * cols;
    out[i] = f(a[r * a_rs + c * a_cs], b[r * b_rs + c * b_cs]);
  }
}

template <typename In, typename Out, typename F>
__device__ __forceinline__ void bcast2_dispatch(const In* a, const In* b, Out* out, long long n, long long cols,
                                                long long a_rs, long long a_cs, long long b_rs, long long b_cs,
                                                int vec, F f) {
  if (n < (1LL << 31)) {
    bcast2_form<unsigned>(a, b, out, (unsigned)n, (unsigned)cols, (unsigned)a_rs, (unsigned)a_cs, (unsigned)b_rs,
                          (unsigned)b_cs, vec != 0, f);
  } else {
    bcast2_form<long long>(a, b, out, n, cols, a_rs, a_cs, b_rs, b_cs, vec != 0, f);
  }
}

// Offsets of output element i in two views of the same dims (the host collapses them together). The
// loop is unrolled over MAX_RANK so that every field is read at a constant offset: indexing the
// by-value views with a runtime dimension would copy both (224 bytes) to each thread's local memory.
template <typename I>
__device__ __forceinline__ void pair_offsets(const StridedView& va, const StridedView& vb, I i, I& oa, I& ob) {
  I a = (I)va.base, b = (I)vb.base;
  const int rank = (int)va.rank;
#pragma unroll
  for (int d = MAX_RANK - 1; d >= 0; --d) {
    if (d < rank) {
      const I dim = (I)va.dims[d];
      const I q = i / dim;
      const I c = i - q * dim;
      a += c * (I)va.strides[d];
      b += c * (I)vb.strides[d];
      i = q;
    }
  }
  oa = a;
  ob = b;
}

template <typename I, typename In, typename Out, typename F>
__device__ __forceinline__ void bcast_form(const In* a, const In* b, Out* out, I n, const StridedView& va,
                                           const StridedView& vb, F f) {
  const I stride = (I)blockDim.x * gridDim.x;
  for (I i = (I)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    I oa, ob;
    pair_offsets(va, vb, i, oa, ob);
    out[i] = f(a[oa], b[ob]);
  }
}

template <typename In, typename Out, typename F>
__device__ __forceinline__ void bcast_dispatch(const In* a, const In* b, Out* out, long long n, const StridedView& va,
                                               const StridedView& vb, F f) {
  if (n < (1LL << 31)) bcast_form<unsigned>(a, b, out, (unsigned)n, va, vb, f);
  else bcast_form<long long>(a, b, out, n, va, vb, f);
}

// Entry points: {binary, compare} x {same, bcast2, bcast} x {f32, i32}, written out so that the build reads
// their parameter lists.

extern "C" __global__ void binary_same_f32(const float* a, const float* b, float* out, long long n, int op) {
  same_form(a, b, out, n, Arith{op});
}

extern "C" __global__ void binary_bcast2_f32(const float* a, const float* b, float* out, long long n,
                                             int op, long long cols, long long a_rs, long long a_cs, long long b_rs,
                                             long long b_cs, int vec) {
  bcast2_dispatch(a, b, out, n, cols, a_rs, a_cs, b_rs, b_cs, vec, Arith{op});
}

extern "C" __global__ void binary_bcast_f32(const float* a, const float* b, float* out, long long n, int op,
                                            StridedView va, StridedView vb) {
  bcast_dispatch(a, b, out, n, va, vb, Arith{op});
}

extern "C" __global__ void binary_same_i32(const int* a, const int* b, int* out, long long n, int op) {
  same_form(a, b, out, n, Arith{op});
}

extern "C" __global__ void binary_bcast2_i32(const int* a, const int* b, int* out, long long n,
                                             int op, long long cols, long long a_rs, long long a_cs, long long b_rs,
                                             long long b_cs, int vec) {
  bcast2_dispatch(a, b, out, n, cols, a_rs, a_cs, b_rs, b_cs, vec, Arith{op});
}

extern "C" __global__ void binary_bcast_i32(const int* a, const int* b, int* out, long long n, int op,
                                            StridedView va, StridedView vb) {
  bcast_dispatch(a, b, out, n, va, vb, Arith{op});
}

extern "C" __global__ void compare_same_f32(const float* a, const float* b, int* out, long long n, int op) {
  same_form(a, b, out, n, Compare{op});
}

extern "C" __global__ void compare_bcast2_f32(const float* a, const float* b, int* out, long long n,
                                              int op, long long cols, long long a_rs, long long a_cs, long long b_rs,
                                              long long b_cs, int vec) {
  bcast2_dispatch(a, b, out, n, cols, a_rs, a_cs, b_rs, b_cs, vec, Compare{op});
}

extern "C" __global__ void compare_bcast_f32(const float* a, const float* b, int* out, long long n, int op,
                                             StridedView va, StridedView vb) {
  bcast_dispatch(a, b, out, n, va, vb, Compare{op});
}

extern "C" __global__ void compare_same_i32(const int* a, const int* b, int* out, long long n, int op) {
  same_form(a, b, out, n, Compare{op});
}

extern "C" __global__ void compare_bcast2_i32(const int* a, const int* b, int* out, long long n,
                                              int op, long long cols, long long a_rs, long long a_cs, long long b_rs,
                                              long long b_cs, int vec) {
  bcast2_dispatch(a, b, out, n, cols, a_rs, a_cs, b_rs, b_cs, vec, Compare{op});
}

extern "C" __global__ void compare_bcast_i32(const int* a, const int* b, int* out, long long n, int op,
                                             StridedView va, StridedView vb) {
  bcast_dispatch(a, b, out, n, va, vb, Compare{op});
}
