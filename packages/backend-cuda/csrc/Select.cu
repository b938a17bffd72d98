// Select (tf.where): out = condition ? t : e. Every stored dtype is 4 bytes, so one bitwise kernel
// serves float32 and int32. tfjs broadcasts the three inputs to one shape before the kernel, except
// for a rank-1 condition over the first dimension, which `cond_inner` (elements per condition value)
// covers.
#include "common.cuh"

extern "C" __global__ void select_u32(const int* cond, const unsigned* t, const unsigned* e, unsigned* out,
                                      long long n, long long cond_inner) {
  GRID_STRIDE_LOOP(i, n) out[i] = cond[i / cond_inner] != 0 ? t[i] : e[i];
}
