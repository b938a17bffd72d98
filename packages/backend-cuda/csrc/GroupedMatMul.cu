// GroupedMatMul (core-tensor's groupedMatMul: a mixture of experts' projections over tokens sorted by
// expert) and GroupedMatMulWeightGrad, one launch each. The group sizes stay on the device: every block
// walks them itself to find its group, so nothing is read back to the host.
//
// - Forward, y [rows, p] = x [rows, q] op(W_g): the grid is (tiles, ceil(p / BN)) with tiles =
//   ceil(rows / BM) + E, enough for every group's partial last tile. Block b takes the b-th row tile in
//   group order (group e has ceil(size_e / BM) tiles); the blocks after the groups' tiles zero the rows
//   left after the last group, and the rest return at once. op(W_g) is W_gᵀ for weights [E, p, q]
//   (torch's Linear layout, `_nt`) or W_g for [E, q, p] (`_nn`, the input gradient).
// - Weight gradient, out[e] = a_eᵀ b_e [m, n]: grid (ceil(n / BN), ceil(m / BM), E); each block sums over
//   its group's rows (zeros for an empty group).
//
// bf16 (the bf16 matmul precision): operands are the tensors' bf16 copies, products on tensor cores with
// WMMA 16x16x16 fragments and fp32 accumulation; tiles of 128 x 128 x 32, 8 warps of 32 x 64, the next
// k-slice loaded to registers while the current one is multiplied. `_vec` kernels load 8 bf16 at a time
// (the contiguous sizes are multiples of 8); the others load element by element. fp32 (the fp32 and tf32
// precisions): the same tiling in plain fp32 FMAs (64 x 64 x 16, 4 x 4 outputs per thread).
#include <cuda_bf16.h>
#include <mma.h>

#include "common.cuh"

using namespace nvcuda;

#define GM_BM 128
#define GM_BN 128
#define GM_BK 32
#define GM_PAD 8
#define GM_THREADS 256

#define GF_TILE 64
#define GF_BK 16

// The tile a block of the forward takes: its group (-1: rows left after the groups, to zero) and rows.
struct RowTile {
  int group;
  long long start;
  long long end;
};

// Walks the group sizes (clamped to >= 0 and to the rows) to the `tile`-th row tile of `tile_rows`.
// Returns end <= start when the block has nothing to do.
__device__ RowTile find_row_tile(const int* sizes, int groups, long long rows, long long tile, int tile_rows) {
  long long start = 0;
  for (int e = 0; e < groups; ++e) {
    long long c = sizes[e];
    if (c < 0) c = 0;
    if (c > rows - start) c = rows - start;
    const long long tiles = (c + tile_rows - 1) / tile_rows;
    if (tile < tiles) {
      const long long s = start + tile * tile_rows;
      return {e, s, min(start + c, s + tile_rows)};
    }
    tile -= tiles;
    start += c;
  }
  const long long s = start + tile * tile_rows;
  return {-1, s, min(rows, s + tile_rows)};
}

// Rows [start, end) of group `group` for the weight gradient.
__device__ void find_group_rows(const int* sizes, int group, long long rows, long long* start, long long* end) {
  long long s = 0;
  for (int e = 0; e < group; ++e) {
    long long c = sizes[e];
    if (c < 0) c = 0;
    s += c;
  }
  long long c = sizes[group];
  if (c < 0) c = 0;
  if (s > rows) s = rows;
  *start = s;
  *end = min(rows, s + c);
}

// 8 consecutive bf16 from p, of which the first `valid` exist (the rest read as 0). VEC: `valid` is
// 0 or >= 8 and p is 16-byte aligned.
template <bool VEC>
__device__ __forceinline__ uint4 load8(const __nv_bfloat16* p, long long valid) {
  if (VEC) {
    if (valid >= 8) return __ldg(reinterpret_cast<const uint4*>(p));
    return make_uint4(0u, 0u, 0u, 0u);
  }
  unsigned short h[8];
  const unsigned short* s = reinterpret_cast<const unsigned short*>(p);
#pragma unroll
  for (int i = 0; i < 8; ++i) h[i] = i < valid ? s[i] : (unsigned short)0;
  return make_uint4(h[0] | ((unsigned)h[1] << 16), h[2] | ((unsigned)h[3] << 16), h[4] | ((unsigned)h[5] << 16),
                    h[6] | ((unsigned)h[7] << 16));
}

__device__ __forceinline__ void store8(__nv_bfloat16* dst, uint4 v) { *reinterpret_cast<uint4*>(dst) = v; }

typedef wmma::fragment<wmma::accumulator, 16, 16, 16, float> AccFrag;

// Writes a warp's 2 x 4 accumulator fragments (rows r0 + 16 i, columns c0 + 16 j of the output) through
// the warp's 16 x 16 scratch, keeping rows < row_end and columns < cols.
__device__ __forceinline__ void store_warp_tile(AccFrag (&acc)[2][4], float* scratch, float* out, long long r0,
                                                long long row_end, long long c0, long long cols, long long ld) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int i = 0; i < 2; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      wmma::store_matrix_sync(scratch, acc[i][j], 16, wmma::mem_row_major);
      __syncwarp();
      const long long r = r0 + i * 16 + (lane >> 1);
      const int cc = (lane & 1) * 8;
      if (r < row_end) {
#pragma unroll
        for (int u = 0; u < 8; ++u) {
          const long long c = c0 + j * 16 + cc + u;
          if (c < cols) out[r * ld + c] = scratch[(lane >> 1) * 16 + cc + u];
        }
      }
      __syncwarp();
    }
  }
}

// ---- bf16 forward ----------------------------------------------------------------------------------

template <bool TRANS, bool VEC>
__device__ __forceinline__ void grouped_mm_bf16(const __nv_bfloat16* x, const __nv_bfloat16* w, const int* sizes,
                                                float* y, int rows, int q, int p, int groups) {
  __shared__ __align__(128) __nv_bfloat16 As[GM_BM * (GM_BK + GM_PAD)];
  __shared__ __align__(128) __nv_bfloat16 Bs[TRANS ? GM_BN * (GM_BK + GM_PAD) : GM_BK * (GM_BN + GM_PAD)];
  __shared__ __align__(128) float scratch[GM_THREADS / 32][256];
  __shared__ RowTile tile;
  if (threadIdx.x == 0) tile = find_row_tile(sizes, groups, rows, blockIdx.x, GM_BM);
  __syncthreads();
  const RowTile t = tile;
  if (t.end <= t.start) return;
  const long long n0 = (long long)blockIdx.y * GM_BN;
  if (t.group < 0) {  // rows after the last group: zeros
    for (long long i = threadIdx.x; i < (t.end - t.start) * GM_BN; i += blockDim.x) {
      const long long r = t.start + i / GM_BN, c = n0 + i % GM_BN;
      if (c < p) y[r * p + c] = 0.0f;
    }
    return;
  }
  const __nv_bfloat16* wg = w + (long long)t.group * p * q;
  const int warp = threadIdx.x >> 5;
  const int wm = warp >> 1, wn = warp & 1;  // warp tile: rows 32 wm, columns 64 wn
  AccFrag acc[2][4];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  // Each thread moves 2 chunks of 8 bf16 of A and 2 of B per k-slice.
  uint4 ra[2], rb[2];
  auto load = [&](int k0) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int c = threadIdx.x + h * GM_THREADS;
      {  // A: 128 rows x 32 columns, 4 chunks per row
        const int r = c >> 2, col = (c & 3) * 8;
        const long long gr = t.start + r;
        const long long valid = gr < t.end ? (long long)q - (k0 + col) : 0;
        ra[h] = load8<VEC>(x + gr * q + k0 + col, valid);
      }
      if (TRANS) {  // W_g [p, q]: 128 rows n x 32 columns k
        const int r = c >> 2, col = (c & 3) * 8;
        const long long n = n0 + r;
        const long long valid = n < p ? (long long)q - (k0 + col) : 0;
        rb[h] = load8<VEC>(wg + n * q + k0 + col, valid);
      } else {  // W_g [q, p]: 32 rows k x 128 columns n
        const int r = c >> 4, col = (c & 15) * 8;
        const long long k = k0 + r;
        const long long valid = k < q ? (long long)p - (n0 + col) : 0;
        rb[h] = load8<VEC>(wg + k * p + n0 + col, valid);
      }
    }
  };
  auto stash = [&]() {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int c = threadIdx.x + h * GM_THREADS;
      store8(&As[(c >> 2) * (GM_BK + GM_PAD) + (c & 3) * 8], ra[h]);
      if (TRANS)
        store8(&Bs[(c >> 2) * (GM_BK + GM_PAD) + (c & 3) * 8], rb[h]);
      else
        store8(&Bs[(c >> 4) * (GM_BN + GM_PAD) + (c & 15) * 8], rb[h]);
    }
  };

  load(0);
  for (int k0 = 0; k0 < q; k0 += GM_BK) {
    stash();
    __syncthreads();
    if (k0 + GM_BK < q) load(k0 + GM_BK);
#pragma unroll
    for (int kk = 0; kk < GM_BK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a[2];
#pragma unroll
      for (int i = 0; i < 2; ++i)
        wmma::load_matrix_sync(a[i], &As[(wm * 32 + i * 16) * (GM_BK + GM_PAD) + kk], GM_BK + GM_PAD);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        if (TRANS) {
          wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> b;
          wmma::load_matrix_sync(b, &Bs[(wn * 64 + j * 16) * (GM_BK + GM_PAD) + kk], GM_BK + GM_PAD);
#pragma unroll
          for (int i = 0; i < 2; ++i) wmma::mma_sync(acc[i][j], a[i], b, acc[i][j]);
        } else {
          wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b;
          wmma::load_matrix_sync(b, &Bs[kk * (GM_BN + GM_PAD) + wn * 64 + j * 16], GM_BN + GM_PAD);
#pragma unroll
          for (int i = 0; i < 2; ++i) wmma::mma_sync(acc[i][j], a[i], b, acc[i][j]);
        }
      }
    }
    __syncthreads();
  }
  store_warp_tile(acc, scratch[warp], y, t.start + wm * 32, t.end, n0 + wn * 64, p, p);
}

extern "C" __global__ void grouped_mm_bf16_nt(const __nv_bfloat16* x, const __nv_bfloat16* w, const int* sizes, float* y, int rows, int q,
                       int p, int groups) {
  grouped_mm_bf16<true, false>(x, w, sizes, y, rows, q, p, groups);
}
extern "C" __global__ void grouped_mm_bf16_nt_vec(const __nv_bfloat16* x, const __nv_bfloat16* w, const int* sizes, float* y, int rows,
                           int q, int p, int groups) {
  grouped_mm_bf16<true, true>(x, w, sizes, y, rows, q, p, groups);
}
extern "C" __global__ void grouped_mm_bf16_nn(const __nv_bfloat16* x, const __nv_bfloat16* w, const int* sizes, float* y, int rows, int q,
                       int p, int groups) {
  grouped_mm_bf16<false, false>(x, w, sizes, y, rows, q, p, groups);
}
extern "C" __global__ void grouped_mm_bf16_nn_vec(const __nv_bfloat16* x, const __nv_bfloat16* w, const int* sizes, float* y, int rows,
                           int q, int p, int groups) {
  grouped_mm_bf16<false, true>(x, w, sizes, y, rows, q, p, groups);
}

// ---- bf16 weight gradient --------------------------------------------------------------------------

template <bool VEC>
__device__ __forceinline__ void grouped_mm_wgrad_bf16(const __nv_bfloat16* a, const __nv_bfloat16* b,
                                                      const int* sizes, float* out, int rows, int m, int n) {
  __shared__ __align__(128) __nv_bfloat16 As[GM_BK * (GM_BM + GM_PAD)];  // [rows k][i]: aᵀ col-major
  __shared__ __align__(128) __nv_bfloat16 Bs[GM_BK * (GM_BN + GM_PAD)];  // [rows k][j]
  __shared__ __align__(128) float scratch[GM_THREADS / 32][256];
  __shared__ long long bounds[2];
  const int group = blockIdx.z;
  if (threadIdx.x == 0) find_group_rows(sizes, group, rows, &bounds[0], &bounds[1]);
  __syncthreads();
  const long long start = bounds[0], end = bounds[1];
  const long long m0 = (long long)blockIdx.y * GM_BM, n0 = (long long)blockIdx.x * GM_BN;
  const int warp = threadIdx.x >> 5;
  const int wm = warp >> 1, wn = warp & 1;
  AccFrag acc[2][4];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  uint4 ra[2], rb[2];
  auto load = [&](long long k0) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int c = threadIdx.x + h * GM_THREADS;
      const int r = c >> 4, col = (c & 15) * 8;  // 32 rows x 128 columns, 16 chunks per row
      const long long gr = start + k0 + r;
      const bool row_ok = gr < end;
      ra[h] = load8<VEC>(a + gr * m + m0 + col, row_ok ? (long long)m - (m0 + col) : 0);
      rb[h] = load8<VEC>(b + gr * n + n0 + col, row_ok ? (long long)n - (n0 + col) : 0);
    }
  };
  auto stash = [&]() {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int c = threadIdx.x + h * GM_THREADS;
      store8(&As[(c >> 4) * (GM_BM + GM_PAD) + (c & 15) * 8], ra[h]);
      store8(&Bs[(c >> 4) * (GM_BN + GM_PAD) + (c & 15) * 8], rb[h]);
    }
  };

  const long long count = end - start;
  if (count > 0) load(0);
  for (long long k0 = 0; k0 < count; k0 += GM_BK) {
    stash();
    __syncthreads();
    if (k0 + GM_BK < count) load(k0 + GM_BK);
#pragma unroll
    for (int kk = 0; kk < GM_BK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::col_major> fa[2];
#pragma unroll
      for (int i = 0; i < 2; ++i)
        wmma::load_matrix_sync(fa[i], &As[kk * (GM_BM + GM_PAD) + wm * 32 + i * 16], GM_BM + GM_PAD);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> fb;
        wmma::load_matrix_sync(fb, &Bs[kk * (GM_BN + GM_PAD) + wn * 64 + j * 16], GM_BN + GM_PAD);
#pragma unroll
        for (int i = 0; i < 2; ++i) wmma::mma_sync(acc[i][j], fa[i], fb, acc[i][j]);
      }
    }
    __syncthreads();
  }
  store_warp_tile(acc, scratch[warp], out + (long long)group * m * n, m0 + wm * 32, m, n0 + wn * 64, n, n);
}

extern "C" __global__ void grouped_mm_wgrad_bf16(const __nv_bfloat16* a, const __nv_bfloat16* b, const int* sizes, float* out, int rows,
                          int m, int n) {
  grouped_mm_wgrad_bf16<false>(a, b, sizes, out, rows, m, n);
}
extern "C" __global__ void grouped_mm_wgrad_bf16_vec(const __nv_bfloat16* a, const __nv_bfloat16* b, const int* sizes, float* out, int rows,
                              int m, int n) {
  grouped_mm_wgrad_bf16<true>(a, b, sizes, out, rows, m, n);
}

// ---- fp32 ------------------------------------------------------------------------------------------

template <bool TRANS>
__device__ __forceinline__ void grouped_mm_f32(const float* x, const float* w, const int* sizes, float* y, int rows,
                                               int q, int p, int groups) {
  __shared__ float As[GF_BK][GF_TILE + 4];  // [k][row]
  __shared__ float Bs[GF_BK][GF_TILE + 4];  // [k][n]
  __shared__ RowTile tile;
  if (threadIdx.x == 0) tile = find_row_tile(sizes, groups, rows, blockIdx.x, GF_TILE);
  __syncthreads();
  const RowTile t = tile;
  if (t.end <= t.start) return;
  const long long n0 = (long long)blockIdx.y * GF_TILE;
  if (t.group < 0) {
    for (long long i = threadIdx.x; i < (t.end - t.start) * GF_TILE; i += blockDim.x) {
      const long long r = t.start + i / GF_TILE, c = n0 + i % GF_TILE;
      if (c < p) y[r * p + c] = 0.0f;
    }
    return;
  }
  const float* wg = w + (long long)t.group * p * q;
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < q; k0 += GF_BK) {
#pragma unroll
    for (int h = 0; h < 4; ++h) {
      const int e = threadIdx.x + h * 256;
      {
        const int r = e >> 4, k = e & 15;
        const long long gr = t.start + r;
        As[k][r] = gr < t.end && k0 + k < q ? x[gr * q + k0 + k] : 0.0f;
      }
      if (TRANS) {
        const int nn = e >> 4, k = e & 15;
        Bs[k][nn] = n0 + nn < p && k0 + k < q ? wg[(n0 + nn) * q + k0 + k] : 0.0f;
      } else {
        const int k = e >> 6, nn = e & 63;
        Bs[k][nn] = n0 + nn < p && k0 + k < q ? wg[(long long)(k0 + k) * p + n0 + nn] : 0.0f;
      }
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < GF_BK; ++k) {
      float av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = As[k][ty * 4 + i];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = Bs[k][tx * 4 + j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const long long r = t.start + ty * 4 + i;
    if (r >= t.end) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const long long c = n0 + tx * 4 + j;
      if (c < p) y[r * p + c] = acc[i][j];
    }
  }
}

extern "C" __global__ void grouped_mm_f32_nt(const float* x, const float* w, const int* sizes, float* y, int rows, int q, int p, int groups) {
  grouped_mm_f32<true>(x, w, sizes, y, rows, q, p, groups);
}
extern "C" __global__ void grouped_mm_f32_nn(const float* x, const float* w, const int* sizes, float* y, int rows, int q, int p, int groups) {
  grouped_mm_f32<false>(x, w, sizes, y, rows, q, p, groups);
}

extern "C" __global__ void grouped_mm_wgrad_f32(const float* a, const float* b, const int* sizes, float* out, int rows, int m, int n) {
  __shared__ float As[GF_BK][GF_TILE + 4];  // [row k][i]
  __shared__ float Bs[GF_BK][GF_TILE + 4];  // [row k][j]
  __shared__ long long bounds[2];
  const int group = blockIdx.z;
  if (threadIdx.x == 0) find_group_rows(sizes, group, rows, &bounds[0], &bounds[1]);
  __syncthreads();
  const long long start = bounds[0], end = bounds[1];
  const long long m0 = (long long)blockIdx.y * GF_TILE, n0 = (long long)blockIdx.x * GF_TILE;
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  float acc[4][4] = {};
  for (long long k0 = start; k0 < end; k0 += GF_BK) {
#pragma unroll
    for (int h = 0; h < 4; ++h) {
      const int e = threadIdx.x + h * 256;
      const int k = e >> 6, c = e & 63;
      const long long r = k0 + k;
      As[k][c] = r < end && m0 + c < m ? a[r * m + m0 + c] : 0.0f;
      Bs[k][c] = r < end && n0 + c < n ? b[r * n + n0 + c] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < GF_BK; ++k) {
      float av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = As[k][ty * 4 + i];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = Bs[k][tx * 4 + j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
  float* og = out + (long long)group * m * n;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const long long r = m0 + ty * 4 + i;
    if (r >= m) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const long long c = n0 + tx * 4 + j;
      if (c < n) og[r * n + c] = acc[i][j];
    }
  }
}
