// Attention: causal scaled-dot-product attention with grouped-query heads on token-major rows
// (q [B*Tq, H*D], k and v [B*S, Hkv*D]), padding mask [B, S], optional packed-sample segment ids
// [B, S], optional sliding window, and a query offset for the KV-cache form. Semantics are
// core-tensor's Attention kernel: query i of sequence b sits at p = offset + i and sees key j iff
// j <= p, mask[b, j] != 0, (segments) seg[b, j] == seg[b, p], (window W > 0) p - j < W. A query that
// sees no key outputs 0.
//
// attention_forward is the simple, correct first kernel: one warp per (b, h, i) query row, each lane
// holding head_dim / 32 features, an online softmax over the visible keys (nothing of size S is
// stored). attention_decode_forward serves a few query rows per sequence (decoding) with a block per
// row whose warps split the keys. The backward recomputes the probabilities the same way and adds the
// key/value gradients with float atomics. The tiled tensor-core kernels (FlashAttention.cu) must match
// these.
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

// The decoding forward for a few query rows per sequence (flash-decoding inside one block): one block
// per (b, h, i) query row, its warps taking chunks of 32 keys in turn (warp w: chunks w, w + warps...),
// counted back from the row's last key; with a fixed warp count the sums are then the same whatever
// hidden columns precede the keys (a serving engine's padded key span gives generate()'s bits).
// In a chunk each lane scores one key (the whole head_dim dot product against the scaled query in
// shared memory, float4 loads when rows are 16-byte aligned), the warp updates its running max, sum
// and accumulator once per chunk (online softmax; lane l holds features l + 32 c), then the block
// merges the warps' partial (max, sum, accumulator) in shared memory. Same visibility and fp32
// semantics as attention_forward; only the order of the sums differs. Hidden keys are never read, so
// padding rows of the KV cache may hold anything.
#define DECODE_MAX_WARPS 16

__device__ __forceinline__ float decode_score(const float* qs, const float* kr, int head_dim, bool vec) {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  if (vec) {
    const float4* k4 = reinterpret_cast<const float4*>(kr);
    const float4* q4 = reinterpret_cast<const float4*>(qs);
#pragma unroll 8
    for (int x = 0; x < head_dim / 4; ++x) {
      const float4 a = q4[x];
      const float4 b = k4[x];
      s0 += a.x * b.x;
      s1 += a.y * b.y;
      s2 += a.z * b.z;
      s3 += a.w * b.w;
    }
  } else {
#pragma unroll 4
    for (int x = 0; x < head_dim; ++x) s0 += qs[x] * kr[x];
  }
  return (s0 + s1) + (s2 + s3);
}

// One query row's pass over its keys with `LANE_FEATURES` (head_dim / 32 rounded up) accumulator
// registers per lane; leaves the warp's (max, sum, accumulator) in shared memory.
template <int LANE_FEATURES>
__device__ __forceinline__ void decode_warp_pass(const AttentionShape& sh, const int* mask, const int* segment_ids,
                                                 const QueryRow& r, const float* qs, const float* kb, const float* vb,
                                                 bool vec, float (*acc_s)[MAX_HEAD_DIM], float* max_s, float* sum_s) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  const int d = (int)sh.head_dim;
  const long long k_stride = sh.kv_heads * sh.head_dim;
  const long long n = r.valid && r.last >= r.first ? r.last - r.first + 1 : 0;
  float acc[LANE_FEATURES];
#pragma unroll
  for (int c = 0; c < LANE_FEATURES; ++c) acc[c] = 0.0f;
  float m = -INFINITY;
  float l = 0.0f;  // this lane's share of the warp's sum
  // Chunks are counted back from the row's last key (chunk c: keys last - 32c - 31 .. last - 32c, lane t
  // on key last - 32c - t), so hidden columns added on the left (a padded key span) change no sum.
  for (long long c0 = (long long)warp * 32; c0 < n; c0 += (long long)warps * 32) {
    const long long j = r.last - c0 - lane;
    const bool visible = c0 + lane < n && key_visible(sh, mask, segment_ids, r, j);
    const float score = visible ? decode_score(qs, kb + j * k_stride, d, vec) : -INFINITY;
    const unsigned seen = __ballot_sync(FULL_MASK, visible);
    if (seen == 0) continue;  // the whole chunk is hidden (warp-uniform)
    const float chunk_max = warp_max(score);
    if (chunk_max > m) {
      const float correction = expf(m - chunk_max);  // 0 on the warp's first visible chunk
      l *= correction;
#pragma unroll
      for (int c = 0; c < LANE_FEATURES; ++c) acc[c] *= correction;
      m = chunk_max;
    }
    const float w = visible ? expf(score - m) : 0.0f;
    l += w;
    const float* vc = vb + (r.last - c0) * k_stride;
#pragma unroll 8
    for (int t = 0; t < 32; ++t) {
      const float wt = __shfl_sync(FULL_MASK, w, t);
      if ((seen >> t) & 1u) {
#pragma unroll
        for (int c = 0; c < LANE_FEATURES; ++c) {
          const int x = lane + 32 * c;
          if (x < d) acc[c] += wt * vc[-t * k_stride + x];
        }
      }
    }
  }
  l = warp_sum(l);
  if (lane == 0) {
    max_s[warp] = m;
    sum_s[warp] = l;
  }
#pragma unroll
  for (int c = 0; c < LANE_FEATURES; ++c) {
    const int x = lane + 32 * c;
    if (x < d) acc_s[warp][x] = acc[c];
  }
}

extern "C" __global__ void attention_decode_forward(const float* q, const float* k, const float* v, const int* mask,
                                                    const int* segment_ids, float* out, AttentionShape sh,
                                                    float scale) {
  __shared__ __align__(16) float q_s[MAX_HEAD_DIM];
  __shared__ float acc_s[DECODE_MAX_WARPS][MAX_HEAD_DIM];
  __shared__ float max_s[DECODE_MAX_WARPS];
  __shared__ float sum_s[DECODE_MAX_WARPS];
  const QueryRow r = query_row(sh, segment_ids, blockIdx.x);
  const int warps = blockDim.x >> 5;
  const int d = (int)sh.head_dim;
  const long long k_stride = sh.kv_heads * sh.head_dim;
  for (int x = threadIdx.x; x < d; x += blockDim.x) q_s[x] = q[r.q_base + x] * scale;
  __syncthreads();

  const long long first_row = r.b * sh.s;
  const float* kb = k + first_row * k_stride + r.kv_col;
  const float* vb = v + first_row * k_stride + r.kv_col;
  const bool vec = (d & 3) == 0 && (k_stride & 3) == 0 && (reinterpret_cast<uintptr_t>(k) & 15) == 0;
  if (d <= 32) decode_warp_pass<1>(sh, mask, segment_ids, r, q_s, kb, vb, vec, acc_s, max_s, sum_s);
  else if (d <= 64) decode_warp_pass<2>(sh, mask, segment_ids, r, q_s, kb, vb, vec, acc_s, max_s, sum_s);
  else if (d <= 128) decode_warp_pass<4>(sh, mask, segment_ids, r, q_s, kb, vb, vec, acc_s, max_s, sum_s);
  else decode_warp_pass<PER_LANE>(sh, mask, segment_ids, r, q_s, kb, vb, vec, acc_s, max_s, sum_s);
  __syncthreads();

  float row_max = -INFINITY;
  for (int w = 0; w < warps; ++w) row_max = fmaxf(row_max, max_s[w]);
  float total = 0.0f;
  if (row_max != -INFINITY) {
    for (int w = 0; w < warps; ++w) {
      if (max_s[w] != -INFINITY) total += sum_s[w] * expf(max_s[w] - row_max);
    }
  }
  for (int x = threadIdx.x; x < d; x += blockDim.x) {
    float o = 0.0f;
    if (total > 0.0f) {
      for (int w = 0; w < warps; ++w) {
        if (max_s[w] != -INFINITY) o += acc_s[w][x] * expf(max_s[w] - row_max);
      }
      o /= total;
    }
    out[r.q_base + x] = o;
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
