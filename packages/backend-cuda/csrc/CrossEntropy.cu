// CrossEntropy of logits [rows, vocab] against int32 labels, and its backward. One block per row:
// max, then sum of exp (accumulated in double), then the row's loss -log softmax[label]. A label equal
// to ignore_index counts for nothing; any other label outside [0, vocab) makes the row's loss NaN (the
// host kernel throws; a device kernel cannot without a sync, so the NaN shows up in the loss instead).
#include "row-softmax.cuh"

// The row's log-sum-exp; every thread of the block gets it.

// Per row: loss (0 when ignored) and whether it counts.
extern "C" __global__ void cross_entropy_rows(const float* logits, const int* labels, double* row_loss,
                                              int* row_counted, long long rows, long long vocab, int ignore_index) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const int label = labels[row];
    if (label == ignore_index) {
      if (threadIdx.x == 0) {
        row_loss[row] = 0.0;
        row_counted[row] = 0;
      }
      continue;
    }
    const float* xr = logits + row * vocab;
    const RowStats st = row_stats(xr, vocab);
    const double lse = (double)st.max + log(st.sum);
    if (threadIdx.x == 0) {
      row_loss[row] = (label >= 0 && label < vocab) ? lse - (double)xr[label] : NAN;
      row_counted[row] = 1;
    }
  }
}

// One block: the scalar loss, sum or mean over counted rows (0 when none counts).
extern "C" __global__ void cross_entropy_total(const double* row_loss, const int* row_counted, float* out,
                                               long long rows, int mean) {
  double total = 0.0;
  long long count = 0;
  for (long long row = threadIdx.x; row < rows; row += blockDim.x) {
    total += row_loss[row];
    count += row_counted[row];
  }
  total = block_sum(total);
  count = block_sum(count);
  if (threadIdx.x == 0) out[0] = (float)(mean ? (count > 0 ? total / (double)count : 0.0) : total);
}

// One block: how many labels count (for 'mean' in the backward).
extern "C" __global__ void cross_entropy_count(const int* labels, int* count, long long rows, int ignore_index) {
  long long c = 0;
  for (long long row = threadIdx.x; row < rows; row += blockDim.x) c += labels[row] != ignore_index;
  c = block_sum(c);
  if (threadIdx.x == 0) count[0] = (int)c;
}

// dlogits = scale (softmax - onehot(label)) per counted row, with scale = dy / count ('mean') or dy;
// ignored rows, and all rows when none counts, get 0. dy and count stay on the device (no sync).
extern "C" __global__ void cross_entropy_backward(const float* logits, const int* labels, const float* dy,
                                                  const int* count, float* dx, long long rows, long long vocab,
                                                  int ignore_index, int mean) {
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const int label = labels[row];
    float* dxr = dx + row * vocab;
    const int counted = count[0];
    if (label == ignore_index || counted == 0) {
      for (long long j = threadIdx.x; j < vocab; j += blockDim.x) dxr[j] = 0.0f;
      continue;
    }
    const float* xr = logits + row * vocab;
    const double scale = mean ? (double)dy[0] / counted : (double)dy[0];
    const RowStats st = row_stats(xr, vocab);
    const bool valid = label >= 0 && label < vocab;
    const double inverse = 1.0 / st.sum;
    map_row(xr, dxr, vocab, [&](long long j, float x) {
      const double p = (double)expf(x - st.max) * inverse;
      return valid ? (float)(scale * (p - (j == label ? 1.0 : 0.0))) : NAN;
    });
  }
}
