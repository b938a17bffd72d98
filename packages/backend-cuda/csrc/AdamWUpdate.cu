// AdamWUpdate: one torch.optim.AdamW step (amsgrad off) for one parameter tensor, in double arithmetic
// with m and v rounded to float32 as stored, exactly the arithmetic of core-tensor's host kernel:
//   m = m + (1 - beta1) (g - m);  v = beta2 v + (1 - beta2) g^2
//   p = p decay - step_size m / (sqrt(v) / bc2_sqrt + eps)
// The host computes decay = 1 - lr wd, step_size = lr / (1 - beta1^step), bc2_sqrt = sqrt(1 - beta2^step).
#include "common.cuh"

// Element i of one tensor's step (shared by both entry points, so they agree to the bit).
__device__ __forceinline__ void adamw_element(const float* param, const float* grad, const float* m, const float* v,
                                              float* param_out, float* m_out, float* v_out, long long i,
                                              double beta1, double beta2, double eps, double decay,
                                              double step_size, double bc2_sqrt) {
  const double g = grad[i];
  const double m0 = m[i];
  const float mi = (float)(m0 + (1.0 - beta1) * (g - m0));
  const float vi = (float)(beta2 * (double)v[i] + (1.0 - beta2) * g * g);
  param_out[i] = (float)((double)param[i] * decay - step_size * (double)mi / (sqrt((double)vi) / bc2_sqrt + eps));
  m_out[i] = mi;
  v_out[i] = vi;
}

extern "C" __global__ void adamw_update(const float* param, const float* grad, const float* m, const float* v,
                                        float* param_out, float* m_out, float* v_out, long long n, double beta1,
                                        double beta2, double eps, double decay, double step_size, double bc2_sqrt) {
  GRID_STRIDE_LOOP(i, n) {
    adamw_element(param, grad, m, v, param_out, m_out, v_out, i, beta1, beta2, eps, decay, step_size, bc2_sqrt);
  }
}

// One tensor of a multi-tensor step, as the host writes it (src/kernels/Optimizers.ts): seven device
// addresses, the element count, and that tensor's step size and sqrt(1 - beta2^step).
struct AdamWEntry {
  const float *param, *grad, *m, *v;
  float *param_out, *m_out, *v_out;
  long long n;
  double step_size, bc2_sqrt;
};

// A whole parameter group in one launch: block b updates chunk b, elements [start, start + chunk) of
// tensor `tensor`, where chunks[2 b] = tensor and chunks[2 b + 1] = start.
extern "C" __global__ void adamw_update_multi(const AdamWEntry* entries, const long long* chunks, long long chunk,
                                              double beta1, double beta2, double eps, double decay) {
  const long long tensor = chunks[2 * blockIdx.x];
  const long long start = chunks[2 * blockIdx.x + 1];
  const AdamWEntry e = entries[tensor];
  const long long end = min(start + chunk, e.n);
  for (long long i = start + threadIdx.x; i < end; i += blockDim.x) {
    adamw_element(e.param, e.grad, e.m, e.v, e.param_out, e.m_out, e.v_out, i, beta1, beta2, eps, decay,
                  e.step_size, e.bc2_sqrt);
  }
}
