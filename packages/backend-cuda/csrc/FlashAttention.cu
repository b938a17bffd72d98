// FlashAttention: tiled attention on bf16 tensor cores for the bf16 / tf32 matmul precisions. Same
// semantics and layouts as Attention.cu (q [B*Tq, H*D], k and v [B*S, Hkv*D] token-major, causal
// with grouped-query heads, padding mask [B, S], optional segment ids and sliding window, query
// offset), but the products run as mma.sync m16n8k16 (bf16 operands, fp32 accumulation) on tiles held
// in shared memory, and nothing of size S per query row exists in memory:
//
// - forward: a block takes 64 query rows of one (b, h) (4 warps x 16 rows) and walks the keys in tiles
//   of 64 with an online softmax; scores, probabilities and the output accumulator stay in registers
//   (the probabilities are re-packed from the score fragments into the A operand of P V).
// - backward, deterministic (no atomics), in two passes that recompute the probabilities:
//   flash_attention_dq_*: per query tile, first the row statistics (max and normaliser, as log2-sum-exp),
//   then dq = scale dS K with dS = P (dO V^T - rowsum(dO o O)); it also writes the statistics for:
//   flash_attention_dkdv_*: per key tile of one query head, dv = P^T dO and dk = scale dS^T Q over
//   the query tiles that see it. With grouped-query heads each head writes its own slice and
//   flash_attention_group_sum adds the slices of a group.
//
// Scores are kept in the log2 domain (q pre-multiplied by scale * log2 e) so exp2 serves the softmax.
// Fragment layouts are those of the PTX ISA for m16n8k16: lane = 4 g + t holds A rows g and g + 8,
// columns 2t, 2t + 1 (and + 8); B column g, rows 2t, 2t + 1 (and + 8); C rows g / g + 8, columns 2t,
// 2t + 1. Shared rows are padded by 16 bytes so that these reads hit 32 different banks.
#include <cuda_bf16.h>

#include "attention-shape.cuh"
#include "common.cuh"

#define FA_THREADS 128
#define FA_LOG2E 1.4426950408889634f

__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);  // lo in the low half: the lower column
  return *reinterpret_cast<uint32_t*>(&v);
}

__device__ __forceinline__ void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Reductions over the 4 lanes that hold one fragment row.
__device__ __forceinline__ float quad_max(float v) {
  v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, 1));
  return fmaxf(v, __shfl_xor_sync(FULL_MASK, v, 2));
}
__device__ __forceinline__ float quad_sum(float v) {
  v += __shfl_xor_sync(FULL_MASK, v, 1);
  return v + __shfl_xor_sync(FULL_MASK, v, 2);
}

__device__ __forceinline__ float2 load2(const float* p) { return *reinterpret_cast<const float2*>(p); }

// Traps when the launch gave less dynamic shared memory than the kernel carves (a host/kernel mismatch
// would otherwise corrupt memory silently).
__device__ __forceinline__ void require_shared(unsigned needed) {
  if (threadIdx.x == 0) {
    unsigned have;
    asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(have));
    if (have < needed) __trap();
  }
}

// Rows [first, first + rows) of a token-major tensor (row r at src + r * stride), as bf16 pairs
// dst[r * ld + c] (c < D / 2), multiplied by `mul`; rows at or past `limit` are zero. Four floats per
// thread step (D % 4 == 0, rows 16-byte aligned: the host checks the head dim).
template <int D>
__device__ __forceinline__ void load_rows(uint32_t* dst, int ld, int rows, const float* src, long long first,
                                          long long limit, long long stride, float mul) {
  for (int x = threadIdx.x; x < rows * (D / 4); x += FA_THREADS) {
    const int r = x / (D / 4), c = x % (D / 4);
    float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (first + r < limit) v = *reinterpret_cast<const float4*>(src + (first + r) * stride + 4 * c);
    *reinterpret_cast<uint2*>(dst + r * ld + 2 * c) =
        make_uint2(pack_bf16(v.x * mul, v.y * mul), pack_bf16(v.z * mul, v.w * mul));
  }
}

// The same rows stored feature-major: dst[d * ld_halves + r] (ld_halves even).
template <int D>
__device__ __forceinline__ void load_rows_transposed(__nv_bfloat16* dst, int ld_halves, int rows, const float* src,
                                                     long long first, long long limit, long long stride) {
  for (int x = threadIdx.x; x < rows * (D / 4); x += FA_THREADS) {
    const int r = x / (D / 4), c = x % (D / 4);
    float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (first + r < limit) v = *reinterpret_cast<const float4*>(src + (first + r) * stride + 4 * c);
    dst[(4 * c) * ld_halves + r] = __float2bfloat16_rn(v.x);
    dst[(4 * c + 1) * ld_halves + r] = __float2bfloat16_rn(v.y);
    dst[(4 * c + 2) * ld_halves + r] = __float2bfloat16_rn(v.z);
    dst[(4 * c + 3) * ld_halves + r] = __float2bfloat16_rn(v.w);
  }
}

// A query row's position and what it may see (Attention.cu's rules).
struct RowMask {
  long long p;
  int segment;
  bool valid;
};

__device__ __forceinline__ RowMask row_mask(const AttentionShape& sh, const int* segment_ids, long long b,
                                            long long i) {
  RowMask r;
  r.p = sh.offset + i;
  r.segment = 0;
  r.valid = i < sh.tq;
  if (r.valid && sh.has_segments) {
    if (r.p < sh.s) r.segment = segment_ids[b * sh.s + r.p];
    else r.valid = false;
  }
  return r;
}

// Whether a query row sees key j (key_ok: inside the keys and not padding; key_segment its segment).
__device__ __forceinline__ bool sees(const AttentionShape& sh, const RowMask& r, long long j, int key_ok,
                                     int key_segment) {
  return r.valid && key_ok && j <= r.p && (sh.window <= 0 || r.p - j < sh.window) &&
         (!sh.has_segments || key_segment == r.segment);
}

// Padding flag and segment of keys [j0, j0 + count) into shared arrays; returns whether every key this
// thread loaded is a real one (inside the keys, not padding).
__device__ __forceinline__ bool load_key_masks(int* ok, int* seg, int count, const AttentionShape& sh,
                                               const int* mask, const int* segment_ids, long long b, long long j0) {
  bool all = true;
  for (int x = threadIdx.x; x < count; x += FA_THREADS) {
    const long long j = j0 + x;
    const bool in = j < sh.s;
    ok[x] = in && mask[b * sh.s + j] != 0;
    seg[x] = in && sh.has_segments ? segment_ids[b * sh.s + j] : 0;
    all = all && ok[x];
  }
  return all;
}

// Whether every query position in [p_first, p_last] sees every key of [j_first, j_last] by position
// alone (causal and window); with no segments and no padding key the tile then needs no masking.
__device__ __forceinline__ bool plain_tile(const AttentionShape& sh, long long p_first, long long p_last,
                                           long long j_first, long long j_last) {
  return !sh.has_segments && j_last <= p_first && (sh.window <= 0 || p_last - j_first < sh.window);
}

// The A fragments of 16 rows of a token-major tensor straight from global memory (rows past tq: 0).
template <int D>
__device__ __forceinline__ void load_a_rows(uint32_t (&a)[D / 16][4], const float* lo, const float* hi, bool has_lo,
                                            bool has_hi, float mul) {
  const int t = threadIdx.x & 3;
#pragma unroll
  for (int kk = 0; kk < D / 16; ++kk) {
    const int c = kk * 16 + 2 * t;
    const float2 z = make_float2(0.0f, 0.0f);
    const float2 l0 = has_lo ? load2(lo + c) : z, h0 = has_hi ? load2(hi + c) : z;
    const float2 l8 = has_lo ? load2(lo + c + 8) : z, h8 = has_hi ? load2(hi + c + 8) : z;
    a[kk][0] = pack_bf16(l0.x * mul, l0.y * mul);
    a[kk][1] = pack_bf16(h0.x * mul, h0.y * mul);
    a[kk][2] = pack_bf16(l8.x * mul, l8.y * mul);
    a[kk][3] = pack_bf16(h8.x * mul, h8.y * mul);
  }
}

// A fragments of 16 rows (row0..row0+15) of a shared bf16 tile with `ld` words per row.
template <int D>
__device__ __forceinline__ void shared_a_rows(uint32_t (&a)[4], const uint32_t* tile, int ld, int row0, int kk) {
  const int g = (threadIdx.x & 31) >> 2, t = threadIdx.x & 3;
  const uint32_t* lo = tile + (row0 + g) * ld + kk * 8 + t;
  const uint32_t* hi = lo + 8 * ld;
  a[0] = lo[0];
  a[1] = hi[0];
  a[2] = lo[4];
  a[3] = hi[4];
}

// Score fragments (16 rows x 16 columns from two n-tiles) re-packed as the A operand of the next product.
__device__ __forceinline__ void scores_as_a(uint32_t (&a)[4], const float (&s0)[4], const float (&s1)[4]) {
  a[0] = pack_bf16(s0[0], s0[1]);
  a[1] = pack_bf16(s0[2], s0[3]);
  a[2] = pack_bf16(s1[0], s1[1]);
  a[3] = pack_bf16(s1[2], s1[3]);
}

// Zeroes N accumulator fragments.
template <int N>
__device__ __forceinline__ void zero_frags(float (&c)[N][4]) {
#pragma unroll
  for (int n = 0; n < N; ++n) c[n][0] = c[n][1] = c[n][2] = c[n][3] = 0.0f;
}

// c[n] += A B for this warp's 16 rows: A as K fragments (k = 16 K), B's N 8-column blocks from a shared
// bf16 tile whose row n * 8 + g holds the k values of output column n * 8 + g (`ld` words per row).
template <int K, int N>
__device__ __forceinline__ void mma_tile(float (&c)[N][4], const uint32_t (&a)[K][4], const uint32_t* tile, int ld) {
  const int g = (threadIdx.x & 31) >> 2, t = threadIdx.x & 3;
#pragma unroll
  for (int kk = 0; kk < K; ++kk) {
#pragma unroll
    for (int n = 0; n < N; ++n) {
      const uint32_t* r = tile + (n * 8 + g) * ld + kk * 8 + t;
      mma_bf16(c[n], a[kk], r[0], r[4]);
    }
  }
}

// The same with A given as score fragments (16 rows x 8 K2 columns, re-packed two n-tiles at a time).
template <int K2, int N>
__device__ __forceinline__ void mma_scores(float (&c)[N][4], const float (&s)[K2][4], const uint32_t* tile, int ld) {
  const int g = (threadIdx.x & 31) >> 2, t = threadIdx.x & 3;
#pragma unroll
  for (int kk = 0; kk < K2 / 2; ++kk) {
    uint32_t a[4];
    scores_as_a(a, s[2 * kk], s[2 * kk + 1]);
#pragma unroll
    for (int n = 0; n < N; ++n) {
      const uint32_t* r = tile + (n * 8 + g) * ld + kk * 8 + t;
      mma_bf16(c[n], a, r[0], r[4]);
    }
  }
}

// Block -> (b, h, tile): tiles of one (b, h) are consecutive, the longest (causal) ones first.
struct TileOf {
  long long b, h, tile;
};
__device__ __forceinline__ TileOf tile_of(const AttentionShape& sh, long long tiles, bool reverse) {
  const long long x = (long long)blockIdx.x % tiles;
  const long long bh = (long long)blockIdx.x / tiles;
  TileOf r;
  r.tile = reverse ? tiles - 1 - x : x;
  r.h = bh % sh.heads;
  r.b = bh / sh.heads;
  return r;
}

// ---- forward ------------------------------------------------------------------------------------

template <int D, int BK>
__device__ __forceinline__ void flash_forward(const float* q, const float* k, const float* v, const int* mask,
                                              const int* segment_ids, float* out, float* lse,
                                              const AttentionShape& sh, float scale) {
  constexpr int BQ = 64;
  constexpr int LDK = D / 2 + 4;   // words per key row of ks
  constexpr int LDV = BK / 2 + 4;  // words per feature row of vt
  extern __shared__ __align__(16) unsigned char smem[];
  uint32_t* ks = reinterpret_cast<uint32_t*>(smem);
  uint32_t* vt = ks + BK * LDK;
  int* key_ok = reinterpret_cast<int*>(vt + D * LDV);
  int* key_seg = key_ok + BK;
  require_shared((BK * LDK + D * LDV + 2 * BK) * 4);

  const TileOf at = tile_of(sh, (sh.tq + BQ - 1) / BQ, true);
  const long long b = at.b, h = at.h;
  const long long kvh = h / (sh.heads / sh.kv_heads);
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const long long q0 = at.tile * BQ;
  const long long i_lo = q0 + warp * 16 + g, i_hi = i_lo + 8;
  const RowMask r_lo = row_mask(sh, segment_ids, b, i_lo), r_hi = row_mask(sh, segment_ids, b, i_hi);
  const long long q_stride = sh.heads * D, kv_stride = sh.kv_heads * D;

  uint32_t qa[D / 16][4];
  load_a_rows<D>(qa, q + (b * sh.tq + i_lo) * q_stride + h * D, q + (b * sh.tq + i_hi) * q_stride + h * D,
                 i_lo < sh.tq, i_hi < sh.tq, scale * FA_LOG2E);

  float o[D / 8][4];
  zero_frags(o);
  float m_lo = -INFINITY, m_hi = -INFINITY, l_lo = 0.0f, l_hi = 0.0f;

  const long long p_first = sh.offset + q0;
  const long long p_last = sh.offset + min(q0 + BQ, sh.tq) - 1;
  const long long j_end = min(p_last, sh.s - 1);
  const long long j_begin = sh.window > 0 ? max(0LL, p_first - sh.window + 1) : 0;
  const float* kb = k + b * sh.s * kv_stride + kvh * D;
  const float* vb = v + b * sh.s * kv_stride + kvh * D;

  for (long long j0 = (j_begin / BK) * BK; j0 <= j_end; j0 += BK) {
    __syncthreads();  // the previous tile is no longer read
    load_rows<D>(ks, LDK, BK, kb, j0, sh.s, kv_stride, 1.0f);
    load_rows_transposed<D>(reinterpret_cast<__nv_bfloat16*>(vt), 2 * LDV, BK, vb, j0, sh.s, kv_stride);
    const bool keys_ok = load_key_masks(key_ok, key_seg, BK, sh, mask, segment_ids, b, j0);
    // Interior tiles (most of a causal sequence) skip the per-element mask.
    const bool plain = __syncthreads_and(keys_ok) && plain_tile(sh, p_first, p_last, j0, j0 + BK - 1);

    float s[BK / 8][4];
    zero_frags(s);
    mma_tile(s, qa, ks, LDK);
    float mx_lo = -INFINITY, mx_hi = -INFINITY;
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int key = n * 8 + 2 * t + e;
        const long long j = j0 + key;
        if (!plain) {
          if (!sees(sh, r_lo, j, key_ok[key], key_seg[key])) s[n][e] = -INFINITY;
          if (!sees(sh, r_hi, j, key_ok[key], key_seg[key])) s[n][2 + e] = -INFINITY;
        }
        mx_lo = fmaxf(mx_lo, s[n][e]);
        mx_hi = fmaxf(mx_hi, s[n][2 + e]);
      }
    }
    const float new_lo = fmaxf(m_lo, quad_max(mx_lo)), new_hi = fmaxf(m_hi, quad_max(mx_hi));
    // A row that has seen no key yet keeps base 0: exp2(-inf - 0) = 0, no NaN from -inf - -inf.
    const float base_lo = new_lo == -INFINITY ? 0.0f : new_lo, base_hi = new_hi == -INFINITY ? 0.0f : new_hi;
    const float corr_lo = exp2f(m_lo - base_lo), corr_hi = exp2f(m_hi - base_hi);
    m_lo = new_lo;
    m_hi = new_hi;
    l_lo *= corr_lo;
    l_hi *= corr_hi;
#pragma unroll
    for (int n = 0; n < D / 8; ++n) {
      o[n][0] *= corr_lo;
      o[n][1] *= corr_lo;
      o[n][2] *= corr_hi;
      o[n][3] *= corr_hi;
    }
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        s[n][e] = exp2f(s[n][e] - base_lo);
        s[n][2 + e] = exp2f(s[n][2 + e] - base_hi);
        l_lo += s[n][e];
        l_hi += s[n][2 + e];
      }
    }
    mma_scores(o, s, vt, LDV);
  }
  l_lo = quad_sum(l_lo);
  l_hi = quad_sum(l_hi);
  const float inv_lo = l_lo > 0.0f ? 1.0f / l_lo : 0.0f, inv_hi = l_hi > 0.0f ? 1.0f / l_hi : 0.0f;
  // The rows' log2-sum-exp, as flash_dq's first pass would compute it, so the backward can skip that pass.
  if (lse != nullptr && t == 0) {
    const long long stat = (b * sh.heads + h) * sh.tq;
    if (i_lo < sh.tq) lse[stat + i_lo] = l_lo > 0.0f ? m_lo + log2f(l_lo) : INFINITY;
    if (i_hi < sh.tq) lse[stat + i_hi] = l_hi > 0.0f ? m_hi + log2f(l_hi) : INFINITY;
  }
#pragma unroll
  for (int n = 0; n < D / 8; ++n) {
    const int c = n * 8 + 2 * t;
    if (i_lo < sh.tq)
      *reinterpret_cast<float2*>(out + (b * sh.tq + i_lo) * q_stride + h * D + c) =
          make_float2(o[n][0] * inv_lo, o[n][1] * inv_lo);
    if (i_hi < sh.tq)
      *reinterpret_cast<float2*>(out + (b * sh.tq + i_hi) * q_stride + h * D + c) =
          make_float2(o[n][2] * inv_hi, o[n][3] * inv_hi);
  }
}

// ---- backward: dq and the row statistics ------------------------------------------------------

template <int D, int BK>
__device__ __forceinline__ void flash_dq(const float* q, const float* k, const float* v, const int* mask,
                                         const int* segment_ids, const float* out, const float* dy,
                                         const float* lse_in, float* dq, float* lse, float* delta,
                                         const AttentionShape& sh, float scale) {
  constexpr int BQ = 64;
  constexpr int LDK = D / 2 + 4;   // words per key row of ks / vs
  constexpr int LDT = BK / 2 + 4;  // words per feature row of kt
  extern __shared__ __align__(16) unsigned char smem[];
  uint32_t* ks = reinterpret_cast<uint32_t*>(smem);
  uint32_t* vs = ks + BK * LDK;
  uint32_t* kt = vs + BK * LDK;
  int* key_ok = reinterpret_cast<int*>(kt + D * LDT);
  int* key_seg = key_ok + BK;
  require_shared((2 * BK * LDK + D * LDT + 2 * BK) * 4);

  const TileOf at = tile_of(sh, (sh.tq + BQ - 1) / BQ, true);
  const long long b = at.b, h = at.h;
  const long long kvh = h / (sh.heads / sh.kv_heads);
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const long long q0 = at.tile * BQ;
  const long long i_lo = q0 + warp * 16 + g, i_hi = i_lo + 8;
  const bool has_lo = i_lo < sh.tq, has_hi = i_hi < sh.tq;
  const RowMask r_lo = row_mask(sh, segment_ids, b, i_lo), r_hi = row_mask(sh, segment_ids, b, i_hi);
  const long long q_stride = sh.heads * D, kv_stride = sh.kv_heads * D;
  const long long row_lo = (b * sh.tq + i_lo) * q_stride + h * D, row_hi = (b * sh.tq + i_hi) * q_stride + h * D;

  uint32_t qa[D / 16][4], da[D / 16][4];
  load_a_rows<D>(qa, q + row_lo, q + row_hi, has_lo, has_hi, scale * FA_LOG2E);
  load_a_rows<D>(da, dy + row_lo, dy + row_hi, has_lo, has_hi, 1.0f);
  // rowsum(dO o O) in fp32 from the float inputs.
  float d_lo = 0.0f, d_hi = 0.0f;
  for (int c = t; c < D; c += 4) {
    if (has_lo) d_lo += dy[row_lo + c] * out[row_lo + c];
    if (has_hi) d_hi += dy[row_hi + c] * out[row_hi + c];
  }
  d_lo = quad_sum(d_lo);
  d_hi = quad_sum(d_hi);

  const long long p_first = sh.offset + q0;
  const long long p_last = sh.offset + min(q0 + BQ, sh.tq) - 1;
  const long long j_end = min(p_last, sh.s - 1);
  const long long j_begin = sh.window > 0 ? max(0LL, p_first - sh.window + 1) : 0;
  const long long j_start = (j_begin / BK) * BK;
  const float* kb = k + b * sh.s * kv_stride + kvh * D;
  const float* vb = v + b * sh.s * kv_stride + kvh * D;

  // Scores of this warp's 16 rows against the key tile in ks, masked to -inf.
  auto scores = [&](float (&s)[BK / 8][4], long long j0, bool plain) {
    zero_frags(s);
    mma_tile(s, qa, ks, LDK);
    if (plain) return;
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int key = n * 8 + 2 * t + e;
        if (!sees(sh, r_lo, j0 + key, key_ok[key], key_seg[key])) s[n][e] = -INFINITY;
        if (!sees(sh, r_hi, j0 + key, key_ok[key], key_seg[key])) s[n][2 + e] = -INFINITY;
      }
    }
  };

  // Pass 1: max and normaliser of each row (skipped when the forward left its log2-sum-exp in lse_in).
  float m_lo = -INFINITY, m_hi = -INFINITY, l_lo = 0.0f, l_hi = 0.0f;
  const long long stat = (b * sh.heads + h) * sh.tq;
  for (long long j0 = j_start; lse_in == nullptr && j0 <= j_end; j0 += BK) {
    __syncthreads();
    load_rows<D>(ks, LDK, BK, kb, j0, sh.s, kv_stride, 1.0f);
    const bool keys_ok = load_key_masks(key_ok, key_seg, BK, sh, mask, segment_ids, b, j0);
    const bool plain = __syncthreads_and(keys_ok) && plain_tile(sh, p_first, p_last, j0, j0 + BK - 1);
    float s[BK / 8][4];
    scores(s, j0, plain);
    float mx_lo = -INFINITY, mx_hi = -INFINITY;
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
      mx_lo = fmaxf(mx_lo, fmaxf(s[n][0], s[n][1]));
      mx_hi = fmaxf(mx_hi, fmaxf(s[n][2], s[n][3]));
    }
    const float new_lo = fmaxf(m_lo, quad_max(mx_lo)), new_hi = fmaxf(m_hi, quad_max(mx_hi));
    const float base_lo = new_lo == -INFINITY ? 0.0f : new_lo, base_hi = new_hi == -INFINITY ? 0.0f : new_hi;
    l_lo *= exp2f(m_lo - base_lo);
    l_hi *= exp2f(m_hi - base_hi);
    m_lo = new_lo;
    m_hi = new_hi;
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
      l_lo += exp2f(s[n][0] - base_lo) + exp2f(s[n][1] - base_lo);
      l_hi += exp2f(s[n][2] - base_hi) + exp2f(s[n][3] - base_hi);
    }
  }
  l_lo = quad_sum(l_lo);
  l_hi = quad_sum(l_hi);
  // log2 of the softmax denominator; +inf for a row that sees nothing (all its probabilities are 0).
  const float lse_lo = lse_in != nullptr ? (has_lo ? lse_in[stat + i_lo] : INFINITY)
                                         : (l_lo > 0.0f ? m_lo + log2f(l_lo) : INFINITY);
  const float lse_hi = lse_in != nullptr ? (has_hi ? lse_in[stat + i_hi] : INFINITY)
                                         : (l_hi > 0.0f ? m_hi + log2f(l_hi) : INFINITY);

  // Pass 2: dq.
  float dqa[D / 8][4];
  zero_frags(dqa);
  for (long long j0 = j_start; j0 <= j_end; j0 += BK) {
    __syncthreads();
    load_rows<D>(ks, LDK, BK, kb, j0, sh.s, kv_stride, 1.0f);
    load_rows<D>(vs, LDK, BK, vb, j0, sh.s, kv_stride, 1.0f);
    load_rows_transposed<D>(reinterpret_cast<__nv_bfloat16*>(kt), 2 * LDT, BK, kb, j0, sh.s, kv_stride);
    const bool keys_ok = load_key_masks(key_ok, key_seg, BK, sh, mask, segment_ids, b, j0);
    const bool plain = __syncthreads_and(keys_ok) && plain_tile(sh, p_first, p_last, j0, j0 + BK - 1);
    float s[BK / 8][4], dp[BK / 8][4];
    scores(s, j0, plain);
    zero_frags(dp);
    mma_tile(dp, da, vs, LDK);
#pragma unroll
    for (int n = 0; n < BK / 8; ++n) {
      s[n][0] = exp2f(s[n][0] - lse_lo) * (dp[n][0] - d_lo);
      s[n][1] = exp2f(s[n][1] - lse_lo) * (dp[n][1] - d_lo);
      s[n][2] = exp2f(s[n][2] - lse_hi) * (dp[n][2] - d_hi);
      s[n][3] = exp2f(s[n][3] - lse_hi) * (dp[n][3] - d_hi);
    }
    mma_scores(dqa, s, kt, LDT);
  }
#pragma unroll
  for (int n = 0; n < D / 8; ++n) {
    const int c = n * 8 + 2 * t;
    if (has_lo) *reinterpret_cast<float2*>(dq + row_lo + c) = make_float2(dqa[n][0] * scale, dqa[n][1] * scale);
    if (has_hi) *reinterpret_cast<float2*>(dq + row_hi + c) = make_float2(dqa[n][2] * scale, dqa[n][3] * scale);
  }
  if (t == 0) {
    if (has_lo) {
      lse[stat + i_lo] = lse_lo;
      delta[stat + i_lo] = d_lo;
    }
    if (has_hi) {
      lse[stat + i_hi] = lse_hi;
      delta[stat + i_hi] = d_hi;
    }
  }
}

// ---- backward: dk and dv ------------------------------------------------------------------------

template <int D, int BQ>
__device__ __forceinline__ void flash_dkdv(const float* q, const float* k, const float* v, const int* mask,
                                           const int* segment_ids, const float* dy, const float* lse,
                                           const float* delta, float* dk, float* dv, const AttentionShape& sh,
                                           float scale) {
  constexpr int BK = 64;
  constexpr int LDR = D / 2 + 4;   // words per row of ks, vs, qs, dos
  constexpr int LDT = BQ / 2 + 4;  // words per feature row of qt, dot
  extern __shared__ __align__(16) unsigned char smem[];
  long long* q_pos = reinterpret_cast<long long*>(smem);
  int* q_seg = reinterpret_cast<int*>(q_pos + BQ);
  int* q_valid = q_seg + BQ;
  float* q_lse = reinterpret_cast<float*>(q_valid + BQ);
  float* q_delta = q_lse + BQ;
  uint32_t* ks = reinterpret_cast<uint32_t*>(q_delta + BQ);
  uint32_t* vs = ks + BK * LDR;
  uint32_t* qs = vs + BK * LDR;
  uint32_t* dos = qs + BQ * LDR;
  uint32_t* qt = dos + BQ * LDR;
  uint32_t* dot = qt + D * LDT;
  require_shared(BQ * 24 + (2 * BK * LDR + 2 * BQ * LDR + 2 * D * LDT) * 4);

  const TileOf at = tile_of(sh, (sh.s + BK - 1) / BK, false);
  const long long b = at.b, h = at.h;
  const long long group = sh.heads / sh.kv_heads, kvh = h / group;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const long long j0 = at.tile * BK;
  const long long j_lo = j0 + warp * 16 + g, j_hi = j_lo + 8;
  const long long q_stride = sh.heads * D, kv_stride = sh.kv_heads * D;
  const int ok_lo = j_lo < sh.s && mask[b * sh.s + j_lo] != 0, ok_hi = j_hi < sh.s && mask[b * sh.s + j_hi] != 0;
  const int seg_lo = j_lo < sh.s && sh.has_segments ? segment_ids[b * sh.s + j_lo] : 0;
  const int seg_hi = j_hi < sh.s && sh.has_segments ? segment_ids[b * sh.s + j_hi] : 0;

  load_rows<D>(ks, LDR, BK, k + b * sh.s * kv_stride + kvh * D, j0, sh.s, kv_stride, 1.0f);
  load_rows<D>(vs, LDR, BK, v + b * sh.s * kv_stride + kvh * D, j0, sh.s, kv_stride, 1.0f);
  // Every key of the tile real (inside the keys, not padding): a condition of the unmasked fast path.
  const bool keys_ok = __syncthreads_and(ok_lo && ok_hi);

  float dka[D / 8][4], dva[D / 8][4];
  zero_frags(dka);
  zero_frags(dva);
  // Queries that can see a key of this tile: p >= j0, and (window) p < j_last + window.
  const long long j_last = min(j0 + BK, sh.s) - 1;
  const long long i_begin = max(0LL, j0 - sh.offset);
  const long long i_end = sh.window > 0 ? min(sh.tq, j_last + sh.window - sh.offset) : sh.tq;
  const float* qb = q + b * sh.tq * q_stride + h * D;
  const float* db = dy + b * sh.tq * q_stride + h * D;
  const long long stat = (b * sh.heads + h) * sh.tq;

  for (long long i0 = (i_begin / BQ) * BQ; i0 < i_end; i0 += BQ) {
    __syncthreads();
    load_rows<D>(qs, LDR, BQ, qb, i0, sh.tq, q_stride, scale * FA_LOG2E);
    load_rows<D>(dos, LDR, BQ, db, i0, sh.tq, q_stride, 1.0f);
    load_rows_transposed<D>(reinterpret_cast<__nv_bfloat16*>(qt), 2 * LDT, BQ, qb, i0, sh.tq, q_stride);
    load_rows_transposed<D>(reinterpret_cast<__nv_bfloat16*>(dot), 2 * LDT, BQ, db, i0, sh.tq, q_stride);
    for (int x = threadIdx.x; x < BQ; x += FA_THREADS) {
      const RowMask r = row_mask(sh, segment_ids, b, i0 + x);
      q_pos[x] = r.p;
      q_seg[x] = r.segment;
      q_valid[x] = r.valid;
      q_lse[x] = i0 + x < sh.tq ? lse[stat + i0 + x] : INFINITY;
      q_delta[x] = i0 + x < sh.tq ? delta[stat + i0 + x] : 0.0f;
    }
    __syncthreads();

    // S^T = K Q^T for this warp's 16 keys (rows) and the tile's BQ queries (columns).
    float st[BQ / 8][4], dpt[BQ / 8][4];
    zero_frags(st);
    zero_frags(dpt);
#pragma unroll
    for (int kk = 0; kk < D / 16; ++kk) {
      uint32_t ka[4], va[4];
      shared_a_rows<D>(ka, ks, LDR, warp * 16, kk);
      shared_a_rows<D>(va, vs, LDR, warp * 16, kk);
#pragma unroll
      for (int n = 0; n < BQ / 8; ++n) {
        const uint32_t* qr = qs + (n * 8 + g) * LDR + kk * 8 + t;
        mma_bf16(st[n], ka, qr[0], qr[4]);
        const uint32_t* dr = dos + (n * 8 + g) * LDR + kk * 8 + t;
        mma_bf16(dpt[n], va, dr[0], dr[4]);  // dP^T = V dO^T
      }
    }
    // P^T, then dV += P^T dO. In an interior tile every query sees every key; a query row past tq has
    // q = 0 and lse = +inf there, so its probabilities are exp2(-inf) = 0 without a mask.
    const bool plain =
        keys_ok && plain_tile(sh, sh.offset + i0, sh.offset + min(i0 + BQ, sh.tq) - 1, j0, j0 + BK - 1);
#pragma unroll
    for (int n = 0; n < BQ / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int x = n * 8 + 2 * t + e;
        if (plain) {
          st[n][e] = exp2f(st[n][e] - q_lse[x]);
          st[n][2 + e] = exp2f(st[n][2 + e] - q_lse[x]);
        } else {
          RowMask r;
          r.p = q_pos[x];
          r.segment = q_seg[x];
          r.valid = q_valid[x] != 0;
          st[n][e] = sees(sh, r, j_lo, ok_lo, seg_lo) ? exp2f(st[n][e] - q_lse[x]) : 0.0f;
          st[n][2 + e] = sees(sh, r, j_hi, ok_hi, seg_hi) ? exp2f(st[n][2 + e] - q_lse[x]) : 0.0f;
        }
      }
    }
    mma_scores(dva, st, dot, LDT);
    // dS^T = P^T (dP^T - delta), then dK += dS^T Q.
#pragma unroll
    for (int n = 0; n < BQ / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const float dl = q_delta[n * 8 + 2 * t + e];
        st[n][e] *= dpt[n][e] - dl;
        st[n][2 + e] *= dpt[n][2 + e] - dl;
      }
    }
    mma_scores(dka, st, qt, LDT);
  }
  // With grouped heads each query head writes its own slice ([B*S, H*D]); the group sum follows.
  const long long out_stride = group > 1 ? q_stride : kv_stride;
  const long long out_col = group > 1 ? h * D : kvh * D;
#pragma unroll
  for (int n = 0; n < D / 8; ++n) {
    const long long c = out_col + n * 8 + 2 * t;
    if (j_lo < sh.s) {
      const long long at_lo = (b * sh.s + j_lo) * out_stride + c;
      *reinterpret_cast<float2*>(dk + at_lo) = make_float2(dka[n][0] * scale, dka[n][1] * scale);
      *reinterpret_cast<float2*>(dv + at_lo) = make_float2(dva[n][0], dva[n][1]);
    }
    if (j_hi < sh.s) {
      const long long at_hi = (b * sh.s + j_hi) * out_stride + c;
      *reinterpret_cast<float2*>(dk + at_hi) = make_float2(dka[n][2] * scale, dka[n][3] * scale);
      *reinterpret_cast<float2*>(dv + at_hi) = make_float2(dva[n][2], dva[n][3]);
    }
  }
}

// ---- entry points (kernels/Attention.ts sizes the grids and shared memory) ------------------------

// lse (nullable): [B, H, Tq] log2-sum-exp of each query row, for flash_attention_dq_*'s lse_in.
extern "C" __global__ void flash_attention_forward_d64(const float* q, const float* k, const float* v,
                                                       const int* mask, const int* segment_ids, float* out,
                                                       float* lse, AttentionShape sh, float scale) {
  flash_forward<64, 64>(q, k, v, mask, segment_ids, out, lse, sh, scale);
}

extern "C" __global__ void flash_attention_forward_d128(const float* q, const float* k, const float* v,
                                                        const int* mask, const int* segment_ids, float* out,
                                                        float* lse, AttentionShape sh, float scale) {
  flash_forward<128, 64>(q, k, v, mask, segment_ids, out, lse, sh, scale);
}

// lse_in (nullable): the forward's log2-sum-exp; without it the kernel computes it in a first pass.
extern "C" __global__ void flash_attention_dq_d64(const float* q, const float* k, const float* v, const int* mask,
                                                  const int* segment_ids, const float* out, const float* dy,
                                                  const float* lse_in, float* dq, float* lse, float* delta,
                                                  AttentionShape sh, float scale) {
  flash_dq<64, 64>(q, k, v, mask, segment_ids, out, dy, lse_in, dq, lse, delta, sh, scale);
}

extern "C" __global__ void flash_attention_dq_d128(const float* q, const float* k, const float* v, const int* mask,
                                                   const int* segment_ids, const float* out, const float* dy,
                                                   const float* lse_in, float* dq, float* lse, float* delta,
                                                   AttentionShape sh, float scale) {
  flash_dq<128, 32>(q, k, v, mask, segment_ids, out, dy, lse_in, dq, lse, delta, sh, scale);
}

extern "C" __global__ void flash_attention_dkdv_d64(const float* q, const float* k, const float* v,
                                                    const int* mask, const int* segment_ids, const float* dy,
                                                    const float* lse, const float* delta, float* dk, float* dv,
                                                    AttentionShape sh, float scale) {
  flash_dkdv<64, 64>(q, k, v, mask, segment_ids, dy, lse, delta, dk, dv, sh, scale);
}

extern "C" __global__ void flash_attention_dkdv_d128(const float* q, const float* k, const float* v,
                                                     const int* mask, const int* segment_ids, const float* dy,
                                                     const float* lse, const float* delta, float* dk, float* dv,
                                                     AttentionShape sh, float scale) {
  flash_dkdv<128, 32>(q, k, v, mask, segment_ids, dy, lse, delta, dk, dv, sh, scale);
}

// out[r, kvh, :] = sum over the group's heads of partial[r, kvh * group + i, :].
extern "C" __global__ void flash_attention_group_sum(const float* partial, float* out, long long rows,
                                                     long long kv_heads, long long group, long long head_dim) {
  GRID_STRIDE_LOOP(i, rows * kv_heads * head_dim) {
    const long long d = i % head_dim;
    const long long kvh = (i / head_dim) % kv_heads;
    const long long r = i / (head_dim * kv_heads);
    const float* src = partial + (r * kv_heads + kvh) * group * head_dim + d;
    float acc = 0.0f;
    for (long long x = 0; x < group; ++x) acc += src[x * head_dim];
    out[i] = acc;
  }
}
