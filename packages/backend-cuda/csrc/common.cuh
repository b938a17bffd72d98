// Helpers shared by every kernel file: grid-stride loops, warp/block reductions and the strided view
// that the host fills for copies and broadcasts. Kernels are compiled ahead by nvcc
// (scripts/build-kernels.mjs) and launched through the driver API, so every entry point is extern "C".
#pragma once

#include <math.h>
#include <stdint.h>

// The highest tensor rank a strided view describes after adjacent dimensions are merged (the host
// merges and throws above this).
#define MAX_RANK 6

#define FULL_MASK 0xffffffffu

// Index loop that covers [0, n) whatever the grid size; 64-bit so tensors may exceed 2^31 elements.
#define GRID_STRIDE_LOOP(i, n)                                                                          \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n);            \
       i += (long long)blockDim.x * gridDim.x)

// A view of an input as seen from an output of shape dims[0..rank): element i of the output reads
// input[base + sum_d coord_d(i) * strides[d]]. Strides of 0 broadcast; permuted strides transpose.
// Every field is 64-bit so the host writes the struct as a plain array of int64.
struct StridedView {
  long long rank;
  long long base;
  long long dims[MAX_RANK];
  long long strides[MAX_RANK];
};

__device__ __forceinline__ long long strided_offset(const StridedView& v, long long i) {
  long long offset = v.base;
  for (int d = (int)v.rank - 1; d >= 0; --d) {
    const long long dim = v.dims[d];
    offset += (i % dim) * v.strides[d];
    i /= dim;
  }
  return offset;
}

__device__ __forceinline__ double warp_sum(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
  return v;
}

__device__ __forceinline__ long long warp_sum(long long v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, o));
  return v;
}

// Sum over the whole block; every thread gets the result. blockDim.x must be a multiple of 32 (all
// launchers use 256 or 1024). The leading __syncthreads lets a kernel call it several times in a row.
template <typename T>
__device__ __forceinline__ T block_sum(T v) {
  __shared__ T partial[32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T w = lane < warps ? partial[lane] : (T)0;
    w = warp_sum(w);
    if (lane == 0) partial[0] = w;
  }
  __syncthreads();
  return partial[0];
}

// Max over the whole block (NaN-free inputs; callers handle NaN themselves). Same rules as block_sum.
__device__ __forceinline__ float block_max(float v) {
  __shared__ float partial[32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float w = lane < warps ? partial[lane] : -INFINITY;
    w = warp_max(w);
    if (lane == 0) partial[0] = w;
  }
  __syncthreads();
  return partial[0];
}

// Column sums in two passes, deterministic and accumulated in double (RmsNorm's weight gradient,
// Sum/Mean over a leading axis). The input is viewed as [outer, len, inner]; a block of COLUMN_BLOCK
// threads is a tile of `tile` consecutive columns (a power of two, at most 32) by COLUMN_BLOCK / tile
// row lanes: thread t takes column t % tile and row lane t / tile, so a warp reads whole 128-byte runs
// of a row (or several consecutive rows when inner < 32). Pass 1 (in each kernel file): a grid of
// [outer * col_tiles, chunks] blocks, each summing `chunk_rows` rows of its tile into
// partial[outer, chunks, inner] (double). Pass 2 (finish_column_sums): one block per tile adds the
// chunks in a fixed order. No atomics: the result depends only on the shape.
#define COLUMN_BLOCK 256

// Sums v over the row lanes of each column of the tile with a fixed tree; threads t < tile get their
// column's total (other threads get partial values). Every thread of the block must call it;
// blockDim.x must be COLUMN_BLOCK.
__device__ __forceinline__ double column_lanes_sum(double v, int tile) {
  __shared__ double lanes[COLUMN_BLOCK];
  __syncthreads();
  lanes[threadIdx.x] = v;
  __syncthreads();
  for (int s = COLUMN_BLOCK >> 1; s >= tile; s >>= 1) {
    if ((int)threadIdx.x < s) lanes[threadIdx.x] += lanes[threadIdx.x + s];
    __syncthreads();
  }
  return lanes[threadIdx.x];
}

// Pass 2: out[o * inner + c] = (float)(sum over k of partial[(o * chunks + k) * inner + c] / divisor),
// the chunks of each column added in a fixed order. Grid: outer * col_tiles blocks of COLUMN_BLOCK.
__device__ __forceinline__ void finish_column_sums(const double* partial, float* out, long long chunks,
                                                   long long inner, int tile, long long col_tiles,
                                                   double divisor) {
  const long long o = blockIdx.x / col_tiles;
  const long long col = (blockIdx.x % col_tiles) * tile + (threadIdx.x & (tile - 1));
  const int lanes = COLUMN_BLOCK / tile;
  double acc = 0.0;
  if (col < inner) {
    const double* p = partial + o * chunks * inner + col;
#pragma unroll 4
    for (long long k = threadIdx.x / tile; k < chunks; k += lanes) acc += p[k * inner];
  }
  acc = column_lanes_sum(acc, tile);
  if ((int)threadIdx.x < tile && col < inner) out[o * inner + col] = (float)(acc / divisor);
}
