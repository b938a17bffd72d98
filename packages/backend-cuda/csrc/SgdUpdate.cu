// SgdUpdate: one torch.optim.SGD step for one parameter tensor, the arithmetic of core-tensor's host
// kernel (double, momentum buffer rounded to float32 as stored):
//   d = g + wd p;  buf = first ? d : momentum buf + (1 - dampening) d;  d = nesterov ? d + momentum buf : buf
//   p = p - lr d
// `buf` is null on the first step; `buf_out` is null when momentum is 0.
#include "common.cuh"

extern "C" __global__ void sgd_update(const float* param, const float* grad, const float* buf, float* param_out,
                                      float* buf_out, long long n, double lr, double momentum, double dampening,
                                      double weight_decay, int nesterov) {
  GRID_STRIDE_LOOP(i, n) {
    const double p = param[i];
    double d = (double)grad[i] + weight_decay * p;
    if (buf_out != nullptr) {
      const float b = (float)(buf != nullptr ? momentum * (double)buf[i] + (1.0 - dampening) * d : d);
      buf_out[i] = b;
      d = nesterov ? d + momentum * (double)b : (double)b;
    }
    param_out[i] = (float)(p - lr * d);
  }
}
