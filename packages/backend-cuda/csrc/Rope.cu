// Rope: HF `rotate_half` rotary embedding of token-major [T, heads * head_dim] rows, one thread per
// output element. Feature i < half of each head pairs with i + half and turns by
// angle = position * inv_freq[i]; features from 2 * half on pass through. The angle is the float32
// product HF forms (inv_freq @ position_ids); cos/sin and the rotation run in double like core-tensor's
// host kernel. direction = -1 turns by minus the angle: the transpose, i.e. the backward.
#include "common.cuh"

extern "C" __global__ void rope_rotate(const float* x, float* out, const int* positions, const float* inv_freq,
                                       long long tokens, int width, int head_dim, int half, double scaling,
                                       int direction) {
  GRID_STRIDE_LOOP(i, tokens * width) {
    const long long t = i / width;
    const int j = (int)((i % width) % head_dim);
    if (j >= 2 * half) {
      out[i] = x[i];
      continue;
    }
    const int k = j < half ? j : j - half;
    const long long head = i - j;
    const float angle = __fmul_rn((float)positions[t], inv_freq[k]);
    const double c = cos((double)angle) * scaling;
    const double s = direction * sin((double)angle) * scaling;
    const double a = x[head + k];
    const double b = x[head + half + k];
    out[i] = (float)(j < half ? a * c - b * s : b * c + a * s);
  }
}
