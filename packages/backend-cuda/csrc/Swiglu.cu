// Swiglu: y = silu(gate) * up = gate * sigmoid(gate) * up, and its backward, elementwise in float32
// (these run on the widest activations, [tokens, intermediate]).
#include "common.cuh"

extern "C" __global__ void swiglu_forward(const float* gate, const float* up, float* y, long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float g = gate[i];
    y[i] = g / (1.0f + expf(-g)) * up[i];
  }
}

// With s = sigmoid(g): d silu(g)/dg = s (1 + g (1 - s)).
extern "C" __global__ void swiglu_backward(const float* dy, const float* gate, const float* up, float* dgate,
                                           float* dup, long long n) {
  GRID_STRIDE_LOOP(i, n) {
    const float g = gate[i];
    const float s = 1.0f / (1.0f + expf(-g));
    dup[i] = dy[i] * g * s;
    dgate[i] = dy[i] * up[i] * s * (1.0f + g * (1.0f - s));
  }
}
