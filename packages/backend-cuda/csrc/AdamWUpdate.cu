// AdamWUpdate: one torch.optim.AdamW step (amsgrad off) for one parameter tensor, in double arithmetic
// with m and v rounded to float32 as stored, exactly the arithmetic of core-tensor's host kernel:
//   m = m + (1 - beta1) (g - m);  v = beta2 v + (1 - beta2) g^2
//   p = p decay - step_size m / (sqrt(v) / bc2_sqrt + eps)
// The host computes decay = 1 - lr wd, step_size = lr / (1 - beta1^step), bc2_sqrt = sqrt(1 - beta2^step).
#include "common.cuh"

extern "C" __global__ void adamw_update(const float* param, const float* grad, const float* m, const float* v,
                                        float* param_out, float* m_out, float* v_out, long long n, double beta1,
                                        double beta2, double eps, double decay, double step_size, double bc2_sqrt) {
  GRID_STRIDE_LOOP(i, n) {
    const double g = grad[i];
    const double m0 = m[i];
    const float mi = (float)(m0 + (1.0 - beta1) * (g - m0));
    const float vi = (float)(beta2 * (double)v[i] + (1.0 - beta2) * g * g);
    param_out[i] = (float)((double)param[i] * decay - step_size * (double)mi / (sqrt((double)vi) / bc2_sqrt + eps));
    m_out[i] = mi;
    v_out[i] = vi;
  }
}
