// RmsNorm: y = x / sqrt(mean(x^2) + eps) * weight over the last axis (rows of `width`), and its
// backward. One block per row; the row statistics accumulate in double and the per-element products
// run in double, as core-tensor's host kernel does, so cpu and cuda agree to float32 rounding.
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

// With r = 1/rms(x), n = x r and g = dy w:  dx = r (g - n mean(g n)). Also stores r per row for the
// weight gradient pass.
extern "C" __global__ void rms_norm_backward_dx(const float* dy, const float* x, const float* weight, float* dx,
                                                double* inv_rms, long long rows, int width, double eps) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * width;
    const float* dyr = dy + row * width;
    const double r = row_inverse_rms(xr, width, eps);
    double dot = 0.0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) dot += (double)dyr[j] * weight[j] * ((double)xr[j] * r);
    const double mean_gn = block_sum(dot) / width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      dx[row * width + j] = (float)(r * ((double)dyr[j] * weight[j] - (double)xr[j] * r * mean_gn));
    }
    if (threadIdx.x == 0) inv_rms[row] = r;
  }
}

// dweight[j] = sum over rows of dy[row, j] * x[row, j] * r[row]: one thread per column, so neighbouring
// threads read neighbouring addresses of each row.
extern "C" __global__ void rms_norm_backward_dw(const float* dy, const float* x, const double* inv_rms, float* dw,
                                                long long rows, int width) {
  GRID_STRIDE_LOOP(j, width) {
    double acc = 0.0;
    for (long long row = 0; row < rows; ++row) {
      acc += (double)dy[row * width + j] * ((double)x[row * width + j] * inv_rms[row]);
    }
    dw[j] = (float)acc;
  }
}
