// Data movement for Transpose, Slice, Tile, Concat/Pack and broadcasts. Every stored dtype is 4 bytes
// wide, so these kernels move 32-bit words whatever the tfjs dtype.
#include "common.cuh"

// out[i] = in[view(i)]: transposes (permuted strides), slices (base offset) and broadcasts (stride 0).
extern "C" __global__ void strided_copy_u32(const unsigned* in, unsigned* out, long long n, StridedView view) {
  GRID_STRIDE_LOOP(i, n) out[i] = in[strided_offset(view, i)];
}

// Tile: output coordinate c of dimension d reads input coordinate c % in_dims[d].
struct TileView {
  long long rank;
  long long out_dims[MAX_RANK];
  long long in_dims[MAX_RANK];
  long long in_strides[MAX_RANK];
};

extern "C" __global__ void tile_u32(const unsigned* in, unsigned* out, long long n, TileView view) {
  GRID_STRIDE_LOOP(i, n) {
    long long rest = i;
    long long offset = 0;
    for (int d = (int)view.rank - 1; d >= 0; --d) {
      const long long c = rest % view.out_dims[d];
      rest /= view.out_dims[d];
      offset += (c % view.in_dims[d]) * view.in_strides[d];
    }
    out[i] = in[offset];
  }
}

// Concat of one input viewed as [outer, inner] into an output viewed as [outer, out_inner], starting at
// column `offset`; Concat and Pack launch it once per input.
extern "C" __global__ void concat_copy_u32(const unsigned* in, unsigned* out, long long outer, long long inner,
                                           long long out_inner, long long offset) {
  GRID_STRIDE_LOOP(i, outer * inner) {
    const long long row = i / inner;
    out[row * out_inner + offset + (i - row * inner)] = in[i];
  }
}

// The inverse of strided_copy: out[view(i)] = in[i], writing the input into a region of a larger output
// (PadV2, the gradient of Slice, writes the input at an offset inside a constant-filled output).
extern "C" __global__ void strided_scatter_u32(const unsigned* in, unsigned* out, long long n, StridedView view) {
  GRID_STRIDE_LOOP(i, n) out[strided_offset(view, i)] = in[i];
}
