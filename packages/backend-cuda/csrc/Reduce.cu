// Reductions over the middle axis of an input viewed as [outer, reduce, inner] (the host permutes
// first when the reduced axes are not contiguous): Sum, Mean, Prod, Max, Min, Any, All, ArgMax,
// ArgMin. `_rows` handles inner == 1 with one block per output (a block-wide tree); `_cols` handles
// inner > 1 with one thread per output walking the reduced axis (consecutive threads read consecutive
// addresses). Float Sum and Mean with inner > 1 over a long axis but few outputs (bias gradients: a
// sum over axis 0 of [tokens, width]) take `_cols_partial` + `_cols_finish` instead, the two-pass
// column sum of common.cuh, which spreads the reduced axis over thousands of blocks. Float sums
// accumulate in double, so results stay close to tfjs-backend-cpu's JavaScript-number sums whatever
// the length, and every path is deterministic (no atomics).
#include "common.cuh"

// Operation codes; the host's kernels/reduce-ops.ts holds the same numbers.
enum ReduceOp { OP_SUM = 0, OP_MEAN = 1, OP_PROD = 2, OP_MAX = 3, OP_MIN = 4, OP_ANY = 5, OP_ALL = 6 };

// NaN-propagating max/min, as tfjs-backend-cpu's reductions.
__device__ __forceinline__ float pick(int op, float acc, float v) {
  if (acc != acc) return acc;
  if (v != v) return v;
  return op == OP_MAX ? fmaxf(acc, v) : fminf(acc, v);
}

__device__ __forceinline__ float block_pick(int op, float v) {
  __shared__ float partial[32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v = pick(op, v, __shfl_xor_sync(FULL_MASK, v, o));
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float w = lane < warps ? partial[lane] : partial[0];
    for (int o = 16; o > 0; o >>= 1) w = pick(op, w, __shfl_xor_sync(FULL_MASK, w, o));
    if (lane == 0) partial[0] = w;
  }
  __syncthreads();
  return partial[0];
}

// Sums and products use double; max/min use float (exact). `len` > 0 (the host fills empty
// reductions itself).
extern "C" __global__ void reduce_rows_f32(const float* x, float* out, long long outer, long long len, int op) {
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    const float* xr = x + row * len;
    if (op == OP_MAX || op == OP_MIN) {
      float acc = xr[0];
      for (long long j = threadIdx.x; j < len; j += blockDim.x) acc = pick(op, acc, xr[j]);
      acc = block_pick(op, acc);
      if (threadIdx.x == 0) out[row] = acc;
    } else if (op == OP_PROD) {
      // Products are rare and short: one thread keeps the left-to-right order of the cpu backend.
      if (threadIdx.x == 0) {
        double acc = 1.0;
        for (long long j = 0; j < len; ++j) acc *= (double)xr[j];
        out[row] = (float)acc;
      }
    } else {
      double acc = 0.0;
      for (long long j = threadIdx.x; j < len; j += blockDim.x) acc += (double)xr[j];
      acc = block_sum(acc);
      if (threadIdx.x == 0) out[row] = (float)(op == OP_MEAN ? acc / (double)len : acc);
    }
  }
}

extern "C" __global__ void reduce_cols_f32(const float* x, float* out, long long outer, long long len,
                                           long long inner, int op) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    const long long base = (o / inner) * len * inner + (o % inner);
    if (op == OP_MAX || op == OP_MIN) {
      float acc = x[base];
      for (long long j = 1; j < len; ++j) acc = pick(op, acc, x[base + j * inner]);
      out[o] = acc;
    } else if (op == OP_PROD) {
      double acc = 1.0;
      for (long long j = 0; j < len; ++j) acc *= (double)x[base + j * inner];
      out[o] = (float)acc;
    } else {
      double acc = 0.0;
      for (long long j = 0; j < len; ++j) acc += (double)x[base + j * inner];
      out[o] = (float)(op == OP_MEAN ? acc / (double)len : acc);
    }
  }
}

// Pass 1 of the two-pass column sum (Sum, Mean): block (blockIdx.x = o * col_tiles + tile index,
// blockIdx.y = chunk) adds rows [chunk * chunk_rows, +chunk_rows) of its tile of columns of slab o into
// partial[(o * chunks + chunk) * inner + column] (double).
extern "C" __global__ void reduce_cols_partial_f32(const float* x, double* partial, long long len, long long inner,
                                                   int tile, long long col_tiles, long long chunk_rows) {
  const long long o = blockIdx.x / col_tiles;
  const long long col = (blockIdx.x % col_tiles) * tile + (threadIdx.x & (tile - 1));
  const long long begin = (long long)blockIdx.y * chunk_rows;
  const long long end = min(len, begin + chunk_rows);
  const int lanes = COLUMN_BLOCK / tile;
  double acc = 0.0;
  if (col < inner) {
    const float* xo = x + o * len * inner + col;
#pragma unroll 4
    for (long long j = begin + threadIdx.x / tile; j < end; j += lanes) acc += (double)xo[j * inner];
  }
  acc = column_lanes_sum(acc, tile);
  if ((int)threadIdx.x < tile && col < inner) partial[(o * gridDim.y + blockIdx.y) * inner + col] = acc;
}

// Pass 2: out[o, c] = sum of the chunks / divisor (1 for Sum, len for Mean), chunks in a fixed order.
extern "C" __global__ void reduce_cols_finish_f32(const double* partial, float* out, long long chunks,
                                                  long long inner, int tile, long long col_tiles, double divisor) {
  finish_column_sums(partial, out, chunks, inner, tile, col_tiles, divisor);
}

// int32 (and bool) reductions: one thread per output, 64-bit accumulation wrapped to int32 at the end.
extern "C" __global__ void reduce_i32(const int* x, int* out, long long outer, long long len, long long inner,
                                      int op) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    const long long base = (o / inner) * len * inner + (o % inner);
    long long acc = op == OP_PROD || op == OP_ALL ? 1 : 0;
    if (op == OP_MAX || op == OP_MIN) acc = x[base];
    for (long long j = 0; j < len; ++j) {
      const long long v = x[base + j * inner];
      switch (op) {
        case OP_SUM:
        case OP_MEAN: acc += v; break;
        case OP_PROD: acc *= v; break;
        case OP_MAX: acc = v > acc ? v : acc; break;
        case OP_MIN: acc = v < acc ? v : acc; break;
        case OP_ANY: acc = acc || v != 0; break;
        case OP_ALL: acc = acc && v != 0; break;
      }
    }
    if (op == OP_MEAN) acc = (long long)((double)acc / (double)len);
    out[o] = (int)acc;
  }
}

// Index of the first max (or min) along the reduced axis, scanning like the cpu backend
// (`value > best`): NaN is never picked unless it comes first.
extern "C" __global__ void arg_reduce_f32(const float* x, int* out, long long outer, long long len,
                                          long long inner, int is_max) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    const long long base = (o / inner) * len * inner + (o % inner);
    float best = x[base];
    int index = 0;
    for (long long j = 1; j < len; ++j) {
      const float v = x[base + j * inner];
      if (is_max ? v > best : v < best) {
        best = v;
        index = (int)j;
      }
    }
    out[o] = index;
  }
}

// ArgMax/ArgMin of float rows (inner == 1) with one block per row: the sampler's argmax over a
// vocabulary of 150k logits, where one thread per row would walk the whole row alone. Same answer as
// arg_reduce_f32: every thread starts from element 0, keeps the first index of its best (`v > best`,
// so NaN is never picked unless it is element 0), and the block keeps the better value, on a tie the
// smaller index.
#define ROW_UNROLL 8

__device__ __forceinline__ bool arg_better(int is_max, float v, long long i, float best, long long at) {
  if (is_max ? v > best : v < best) return true;
  return v == best && i < at;
}

extern "C" __global__ void arg_reduce_rows_f32(const float* x, int* out, long long outer, long long len, int is_max) {
  __shared__ float best_v[32];
  __shared__ long long best_i[32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    const float* xr = x + row * len;
    float best = xr[0];
    long long at = 0;
    if (best == best) {
      // ROW_UNROLL independent loads per thread before comparing them in index order: one block reads
      // the whole row, so without them each warp waits out one memory latency per element.
      const long long stride = (long long)blockDim.x;
      for (long long j0 = threadIdx.x; j0 < len; j0 += ROW_UNROLL * stride) {
        float v[ROW_UNROLL];
#pragma unroll
        for (int u = 0; u < ROW_UNROLL; ++u) {
          const long long j = j0 + u * stride;
          v[u] = j < len ? xr[j] : best;
        }
#pragma unroll
        for (int u = 0; u < ROW_UNROLL; ++u) {
          const long long j = j0 + u * stride;
          if (j < len && (is_max ? v[u] > best : v[u] < best)) {
            best = v[u];
            at = j;
          }
        }
      }
    }
    for (int o = 16; o > 0; o >>= 1) {
      const float v = __shfl_xor_sync(FULL_MASK, best, o);
      const long long i = __shfl_xor_sync(FULL_MASK, at, o);
      if (arg_better(is_max, v, i, best, at)) {
        best = v;
        at = i;
      }
    }
    __syncthreads();
    if (lane == 0) {
      best_v[warp] = best;
      best_i[warp] = at;
    }
    __syncthreads();
    if (warp == 0) {
      best = lane < warps ? best_v[lane] : best_v[0];
      at = lane < warps ? best_i[lane] : best_i[0];
      for (int o = 16; o > 0; o >>= 1) {
        const float v = __shfl_xor_sync(FULL_MASK, best, o);
        const long long i = __shfl_xor_sync(FULL_MASK, at, o);
        if (arg_better(is_max, v, i, best, at)) {
          best = v;
          at = i;
        }
      }
      if (lane == 0) out[row] = (int)at;
    }
  }
}

extern "C" __global__ void arg_reduce_i32(const int* x, int* out, long long outer, long long len, long long inner,
                                          int is_max) {
  GRID_STRIDE_LOOP(o, outer * inner) {
    const long long base = (o / inner) * len * inner + (o % inner);
    int best = x[base];
    int index = 0;
    for (long long j = 1; j < len; ++j) {
      const int v = x[base + j * inner];
      if (is_max ? v > best : v < best) {
        best = v;
        index = (int)j;
      }
    }
    out[o] = index;
  }
}
