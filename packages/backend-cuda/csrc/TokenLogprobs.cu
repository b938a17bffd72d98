// TokenLogprobs: per row log softmax(logits row)[label] (0 where label == ignore_index), and its
// backward dlogits = dy[row] (onehot(label) - softmax). One block per row; out-of-range labels give
// NaN, as in CrossEntropy.cu.
#include "row-softmax.cuh"

extern "C" __global__ void token_logprobs_forward(const float* logits, const int* labels, float* out, long long rows,
                                                  long long vocab, int ignore_index) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const int label = labels[row];
    if (label == ignore_index) {
      if (threadIdx.x == 0) out[row] = 0.0f;
      continue;
    }
    const float* xr = logits + row * vocab;
    const RowStats st = row_stats(xr, vocab);
    const double lse = (double)st.max + log(st.sum);
    if (threadIdx.x == 0) out[row] = (label >= 0 && label < vocab) ? (float)((double)xr[label] - lse) : NAN;
  }
}

extern "C" __global__ void token_logprobs_backward(const float* logits, const int* labels, const float* dy,
                                                   float* dx, long long rows, long long vocab, int ignore_index) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const int label = labels[row];
    float* dxr = dx + row * vocab;
    if (label == ignore_index) {
      for (long long j = threadIdx.x; j < vocab; j += blockDim.x) dxr[j] = 0.0f;
      continue;
    }
    const float* xr = logits + row * vocab;
    const double scale = -(double)dy[row];
    const RowStats st = row_stats(xr, vocab);
    const bool valid = label >= 0 && label < vocab;
    const double inverse = 1.0 / st.sum;
    map_row(xr, dxr, vocab, [&](long long j, float x) {
      const double p = (double)expf(x - st.max) * inverse;
      return valid ? (float)(scale * (p - (j == label ? 1.0 : 0.0))) : NAN;
    });
  }
}
