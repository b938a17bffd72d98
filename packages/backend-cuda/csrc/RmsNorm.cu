// RmsNorm: y = x / sqrt(mean(x^2) + eps) * weight over the last axis (rows of `width`), and its
// backward. One block per row for y and dx (rms_norm_forward_vec4 for a few rows); the weight gradient
// is a two-pass column sum over the rows (common.cuh). Row statistics and column sums accumulate in
// double and the per-element products run in double, as core-tensor's host kernel does, so cpu and
// cuda agree to float32 rounding; no atomics, so results are the same bits run to run.
#include "common.cuh"

__device__ __forceinline__ double row_inverse_rms(const float* xr, int width, double eps) {
  double sum_sq = 0.0;
  for (int j = threadIdx.x; j < width; j += blockDim.x) {
    const double v = xr[j];
    sum_sq += v * v;
  }
  sum_sq = block_sum(sum_sq);
  return 1.0 / sqrt(sum_sq / width + eps);
}

extern "C" __global__ void rms_norm_forward(const float* x, const float* weight, float* y, long long rows, int width,
                                            double eps) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * width;
    float* yr = y + row * width;
    const double r = row_inverse_rms(xr, width, eps);
    for (int j = threadIdx.x; j < width; j += blockDim.x) yr[j] = (float)((double)xr[j] * r * (double)weight[j]);
  }
}

// The forward for a few rows (decoding: one row per sequence), where the time is latency, not
// bandwidth: a wider block whose threads each load their (up to ROW_VECTORS) float4 of x and weight
// at once and keep them in registers, one barrier for the row sum, then write. Needs width % 4 == 0
// and 16-byte aligned x, weight and y (the host checks), width <= 4 * ROW_VECTORS * blockDim.x.
// Same double arithmetic as rms_norm_forward. At most 512 threads (72 registers each).
#define ROW_VECTORS 4

extern "C" __global__ void rms_norm_forward_vec4(const float* x, const float* weight, float* y, long long rows,
                                                 int width, double eps) {
  __shared__ double partial[32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  const int vectors = width >> 2;
  const float4* w4 = reinterpret_cast<const float4*>(weight);
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const float4* x4 = reinterpret_cast<const float4*>(x + row * width);
    float4 xv[ROW_VECTORS], wv[ROW_VECTORS];
    double sum_sq = 0.0;
#pragma unroll
    for (int u = 0; u < ROW_VECTORS; ++u) {
      const int at = threadIdx.x + u * blockDim.x;
      if (at < vectors) {
        xv[u] = x4[at];
        wv[u] = w4[at];
        sum_sq += (double)xv[u].x * xv[u].x + (double)xv[u].y * xv[u].y + (double)xv[u].z * xv[u].z +
                  (double)xv[u].w * xv[u].w;
      }
    }
    sum_sq = warp_sum(sum_sq);
    __syncthreads();  // the previous row's readers are done with `partial`
    if (lane == 0) partial[warp] = sum_sq;
    __syncthreads();
    sum_sq = warp_sum(lane < warps ? partial[lane] : 0.0);
    const double r = 1.0 / sqrt(sum_sq / width + eps);
    float4* y4 = reinterpret_cast<float4*>(y + row * width);
#pragma unroll
    for (int u = 0; u < ROW_VECTORS; ++u) {
      const int at = threadIdx.x + u * blockDim.x;
      if (at < vectors) {
        float4 o;
        o.x = (float)((double)xv[u].x * r * (double)wv[u].x);
        o.y = (float)((double)xv[u].y * r * (double)wv[u].y);
        o.z = (float)((double)xv[u].z * r * (double)wv[u].z);
        o.w = (float)((double)xv[u].w * r * (double)wv[u].w);
        y4[at] = o;
      }
    }
  }
}

// Block-wide sums of two doubles with one pair of barriers: each warp adds its lanes, then every warp
// adds the warps' partials itself (the same fixed order in each, so every thread gets the same bits).
// The leading barrier lets a kernel call it once per row of a loop.
__device__ __forceinline__ void block_sum2(double& a, double& b) {
  __shared__ double partial[2][32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  a = warp_sum(a);
  b = warp_sum(b);
  __syncthreads();
  if (lane == 0) {
    partial[0][warp] = a;
    partial[1][warp] = b;
  }
  __syncthreads();
  a = warp_sum(lane < warps ? partial[0][lane] : 0.0);
  b = warp_sum(lane < warps ? partial[1][lane] : 0.0);
}

// With r = 1/rms(x), n = x r and g = dy w:  dx = r (g - n mean(g n)), where mean(g n) = r sum(g x) /
// width, so one pass over the row gathers both sum(x^2) and sum(g x) (one block reduction). Also
// stores r per row for the weight gradient pass.
extern "C" __global__ void rms_norm_backward_dx(const float* dy, const float* x, const float* weight, float* dx,
                                                double* inv_rms, long long rows, int width, double eps) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * width;
    const float* dyr = dy + row * width;
    double sum_sq = 0.0;
    double sum_gx = 0.0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      const double v = xr[j];
      sum_sq += v * v;
      sum_gx += (double)dyr[j] * weight[j] * v;
    }
    block_sum2(sum_sq, sum_gx);
    const double r = 1.0 / sqrt(sum_sq / width + eps);
    const double mean_gn = sum_gx * r / width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      dx[row * width + j] = (float)(r * ((double)dyr[j] * weight[j] - (double)xr[j] * r * mean_gn));
    }
    if (threadIdx.x == 0) inv_rms[row] = r;
  }
}

// dweight[j] = sum over rows of dy[row, j] * x[row, j] * r[row], in two passes (see common.cuh's
// column sums): pass 1 sums `chunk_rows` rows of a tile of `tile` columns per block (grid
// [col_tiles, chunks]) into partial[chunks, width] in double; rms_norm_backward_dw_finish adds the
// chunks of each column in a fixed order. Deterministic, no atomics.
extern "C" __global__ void rms_norm_backward_dw_partial(const float* dy, const float* x, const double* inv_rms,
                                                        double* partial, long long rows, int width, int tile,
                                                        long long chunk_rows) {
  const long long col = (long long)blockIdx.x * tile + (threadIdx.x & (tile - 1));
  const long long begin = (long long)blockIdx.y * chunk_rows;
  const long long end = min(rows, begin + chunk_rows);
  const int lanes = COLUMN_BLOCK / tile;
  double acc = 0.0;
  if (col < width) {
#pragma unroll 4
    for (long long row = begin + threadIdx.x / tile; row < end; row += lanes) {
      acc += (double)dy[row * width + col] * ((double)x[row * width + col] * inv_rms[row]);
    }
  }
  acc = column_lanes_sum(acc, tile);
  if ((int)threadIdx.x < tile && col < width) partial[(long long)blockIdx.y * width + col] = acc;
}

extern "C" __global__ void rms_norm_backward_dw_finish(const double* partial, float* dw, long long chunks, int width,
                                                       int tile) {
  finish_column_sums(partial, dw, chunks, width, tile, gridDim.x, 1.0);
}
