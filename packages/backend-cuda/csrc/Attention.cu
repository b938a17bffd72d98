// Attention: causal scaled-dot-product attention with grouped-query heads on token-major rows
// (q [B*Tq, H*D], k and v [B*S, Hkv*D]), padding mask [B, S], optional packed-sample segment ids
// [B, S], optional sliding window, and a query offset for the KV-cache form. Semantics are
// core-tensor's Attention kernel: query i of sequence b sits at p = offset + i and sees key j iff
// j <= p, mask[b, j] != 0, (segments) seg[b, j] == seg[b, p], (window W > 0) p - j < W. A query that
// sees no key outputs 0.
//
// This is the simple, correct first kernel: one warp per (b, h, i) query row, each lane holding
// head_dim / 32 features, an online softmax over the visible keys (nothing of size S is stored). The
// backward recomputes the probabilities the same way and adds the key/value gradients with float
// atomics. Tiled (flash-style) kernels come later; these are the reference they must match.
#include "common.cuh"
#include "attention-shape.cuh"

#define MAX_HEAD_DIM 256
#define PER_LANE (MAX_HEAD_DIM / 32)

// Where one query row lives and which keys it may see.
struct QueryRow {
  long long b, h, i, p;
  long long q_base;   // offset of this row's head in q / out / dy
  long long kv_col;   // column of its kv head in k / v rows
  long long first, last;
  int segment;
  bool valid;
};

__device__ __forceinline__ QueryRow query_row(const AttentionShape& sh, const int* segment_ids, long long row) {
  QueryRow r;
  r.i = row % sh.tq;
  r.h = (row / sh.tq) % sh.heads;
  r.b = row / (sh.tq * sh.heads);
  r.p = sh.offset + r.i;
  const long long group = sh.heads / sh.kv_heads;
  r.q_base = (r.b * sh.tq + r.i) * sh.heads * sh.head_dim + r.h * sh.head_dim;
  r.kv_col = (r.h / group) * sh.head_dim;
  r.first = sh.window > 0 ? max(0LL, r.p - sh.window + 1) : 0;
  r.last = min(r.p, sh.s - 1);
  r.valid = true;
  r.segment = 0;
  if (sh.has_segments) {
    // A query past the keys (only possible in the cache form) has no segment of its own: it sees nothing.
    if (r.p < sh.s) r.segment = segment_ids[r.b * sh.s + r.p];
    else r.valid = false;
  }
  return r;
}

__device__ __forceinline__ bool key_visible(const AttentionShape& sh, const int* mask, const int* segment_ids,
                                            const QueryRow& r, long long j) {
  const long long at = r.b * sh.s + j;
  if (mask[at] == 0) return false;
  return !sh.has_segments || segment_ids[at] == r.segment;
}

// Lane-held slice of a head_dim vector: element c of lane l is feature l + 32 c.
__device__ __forceinline__ void load_row(float (&dst)[PER_LANE], const float* src, int head_dim, float scale) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) {
    const int x = lane + 32 * c;
    dst[c] = x < head_dim ? src[x] * scale : 0.0f;
  }
}

__device__ __forceinline__ float dot_row(const float (&a)[PER_LANE], const float* b, int head_dim) {
  const int lane = threadIdx.x & 31;
  float partial = 0.0f;
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) {
    const int x = lane + 32 * c;
    if (x < head_dim) partial += a[c] * b[x];
  }
  return warp_sum(partial);
}

extern "C" __global__ void attention_forward(const float* q, const float* k, const float* v, const int* mask,
                                             const int* segment_ids, float* out, AttentionShape sh, float scale) {
  const long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  if (row >= sh.batch * sh.heads * sh.tq) return;  // whole warps leave together
  const int lane = threadIdx.x & 31;
  const int d = (int)sh.head_dim;
  const long long k_stride = sh.kv_heads * sh.head_dim;
  const QueryRow r = query_row(sh, segment_ids, row);

  float qr[PER_LANE], acc[PER_LANE];
  load_row(qr, q + r.q_base, d, scale);
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) acc[c] = 0.0f;
  float m = -INFINITY;
  float l = 0.0f;
  for (long long j = r.first; r.valid && j <= r.last; ++j) {
    if (!key_visible(sh, mask, segment_ids, r, j)) continue;
    const long long kv = (r.b * sh.s + j) * k_stride + r.kv_col;
    const float score = dot_row(qr, k + kv, d);
    if (score > m) {
      const float correction = expf(m - score);  // 0 on the first visible key
      l *= correction;
#pragma unroll
      for (int c = 0; c < PER_LANE; ++c) acc[c] *= correction;
      m = score;
    }
    const float w = expf(score - m);
    l += w;
#pragma unroll
    for (int c = 0; c < PER_LANE; ++c) {
      const int x = lane + 32 * c;
      if (x < d) acc[c] += w * v[kv + x];
    }
  }
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) {
    const int x = lane + 32 * c;
    if (x < d) out[r.q_base + x] = l > 0.0f ? acc[c] / l : 0.0f;
  }
}

// With P = softmax(scale q k^T) over visible keys and O = P v:
//   dv_j += P_ij dy_i,  dP_ij = dy_i . v_j,  dS_ij = P_ij (dP_ij - dy_i . O_i),
//   dq_i += scale dS_ij k_j,  dk_j += scale dS_ij q_i.
// dk and dv must be zero-filled by the host first.
extern "C" __global__ void attention_backward(const float* q, const float* k, const float* v, const int* mask,
                                              const int* segment_ids, const float* out, const float* dy, float* dq,
                                              float* dk, float* dv, AttentionShape sh, float scale) {
  const long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  if (row >= sh.batch * sh.heads * sh.tq) return;
  const int lane = threadIdx.x & 31;
  const int d = (int)sh.head_dim;
  const long long k_stride = sh.kv_heads * sh.head_dim;
  const QueryRow r = query_row(sh, segment_ids, row);

  float qr[PER_LANE], dyr[PER_LANE], dqr[PER_LANE];
  load_row(qr, q + r.q_base, d, scale);
  load_row(dyr, dy + r.q_base, d, 1.0f);
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) dqr[c] = 0.0f;

  // Pass 1: the softmax max and normaliser over the visible keys.
  float m = -INFINITY;
  float l = 0.0f;
  for (long long j = r.first; r.valid && j <= r.last; ++j) {
    if (!key_visible(sh, mask, segment_ids, r, j)) continue;
    const float score = dot_row(qr, k + (r.b * sh.s + j) * k_stride + r.kv_col, d);
    if (score > m) {
      l *= expf(m - score);
      m = score;
    }
    l += expf(score - m);
  }
  if (l > 0.0f) {
    const float dy_dot_out = dot_row(dyr, out + r.q_base, d);
    // Pass 2: each visible key's contributions.
    for (long long j = r.first; j <= r.last; ++j) {
      if (!key_visible(sh, mask, segment_ids, r, j)) continue;
      const long long kv = (r.b * sh.s + j) * k_stride + r.kv_col;
      const float prob = expf(dot_row(qr, k + kv, d) - m) / l;
      const float d_score = prob * (dot_row(dyr, v + kv, d) - dy_dot_out);
#pragma unroll
      for (int c = 0; c < PER_LANE; ++c) {
        const int x = lane + 32 * c;
        if (x < d) {
          dqr[c] += d_score * k[kv + x];
          atomicAdd(dk + kv + x, d_score * qr[c]);
          atomicAdd(dv + kv + x, prob * dyr[c]);
        }
      }
    }
  }
#pragma unroll
  for (int c = 0; c < PER_LANE; ++c) {
    const int x = lane + 32 * c;
    if (x < d) dq[r.q_base + x] = dqr[c] * scale;
  }
}
