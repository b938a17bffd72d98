// ExpertRouting (core-tensor's expertRouting): a mixture of experts' top-k choice and the counting sort
// of its slots by expert, on the device, in two launches and no host read.
//
// - expert_topk: one warp per token; lane l holds experts l, l + 32, ... (up to 8 each: 256 experts).
//   k rounds of a warp arg-max (larger first, NaN below every number, ties to the lower expert), the
//   winner marked taken.
// - expert_sort: one block of 1,024 threads. Counts per expert (shared atomics), their exclusive sum as
//   the groups' offsets, then the slots in chunks of 1,024, in slot order: a slot's place among its
//   expert's slots of the chunk comes from __match_any_sync inside its warp and per-warp counts summed
//   over the warps before it, so the sort is stable (each expert's slots keep slot order) with no
//   atomics on the positions.
#include "common.cuh"

#define ROUTING_MAX_EXPERTS 256
#define ROUTING_PER_LANE (ROUTING_MAX_EXPERTS / 32)
#define SORT_THREADS 1024

extern "C" __global__ void expert_topk(const float* probs, int* experts, int tokens, int num_experts, int k) {
  const int lane = threadIdx.x & 31;
  const long long warps = ((long long)gridDim.x * blockDim.x) >> 5;
  for (long long t = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5; t < tokens; t += warps) {
    const float* row = probs + t * num_experts;
    float v[ROUTING_PER_LANE];
    unsigned taken = 0;
#pragma unroll
    for (int i = 0; i < ROUTING_PER_LANE; ++i) {
      const int e = lane + 32 * i;
      if (e < num_experts) {
        const float p = row[e];
        v[i] = isnan(p) ? -INFINITY : p;
      } else {
        v[i] = -INFINITY;
        taken |= 1u << i;
      }
    }
    for (int j = 0; j < k; ++j) {
      float best = -INFINITY;
      int best_e = 0x7fffffff;
#pragma unroll
      for (int i = 0; i < ROUTING_PER_LANE; ++i) {
        const int e = lane + 32 * i;
        if (!((taken >> i) & 1u) && (v[i] > best || (v[i] == best && e < best_e))) {
          best = v[i];
          best_e = e;
        }
      }
      for (int o = 16; o > 0; o >>= 1) {
        const float ov = __shfl_xor_sync(FULL_MASK, best, o);
        const int oe = __shfl_xor_sync(FULL_MASK, best_e, o);
        if (ov > best || (ov == best && oe < best_e)) {
          best = ov;
          best_e = oe;
        }
      }
      if ((best_e & 31) == lane) taken |= 1u << (best_e >> 5);
      if (lane == 0) experts[t * k + j] = best_e;
    }
  }
}

extern "C" __global__ void expert_sort(const int* experts, int* sizes, int* token_of_position, int* position_of_slot,
                                       int slots, int num_experts, int k) {
  __shared__ int counts[ROUTING_MAX_EXPERTS];
  __shared__ int offsets[ROUTING_MAX_EXPERTS];
  __shared__ int running[ROUTING_MAX_EXPERTS];
  __shared__ int warp_counts[SORT_THREADS / 32][ROUTING_MAX_EXPERTS];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  for (int e = tid; e < num_experts; e += blockDim.x) {
    counts[e] = 0;
    running[e] = 0;
  }
  __syncthreads();
  for (int s = tid; s < slots; s += blockDim.x) {
    const int e = experts[s];
    if (e >= 0 && e < num_experts) atomicAdd(&counts[e], 1);
  }
  __syncthreads();
  if (tid == 0) {
    int sum = 0;
    for (int e = 0; e < num_experts; ++e) {
      offsets[e] = sum;
      sum += counts[e];
    }
  }
  for (int e = tid; e < num_experts; e += blockDim.x) sizes[e] = counts[e];
  __syncthreads();
  for (int base = 0; base < slots; base += SORT_THREADS) {
    for (int i = tid; i < (SORT_THREADS / 32) * ROUTING_MAX_EXPERTS; i += blockDim.x)
      (&warp_counts[0][0])[i] = 0;
    __syncthreads();
    const int s = base + tid;
    int e = s < slots ? experts[s] : -1;
    if (e >= num_experts) e = -1;
    const unsigned peers = __match_any_sync(FULL_MASK, e);
    const int rank = __popc(peers & ((1u << lane) - 1u));
    if (e >= 0 && lane == __ffs(peers) - 1) warp_counts[warp][e] = __popc(peers);
    __syncthreads();
    // Per expert: the slots of earlier chunks, then of the earlier warps of this chunk.
    for (int x = tid; x < num_experts; x += blockDim.x) {
      int run = running[x];
      for (int w = 0; w < SORT_THREADS / 32; ++w) {
        const int c = warp_counts[w][x];
        warp_counts[w][x] = run;
        run += c;
      }
      running[x] = run;
    }
    __syncthreads();
    if (e >= 0) {
      const int pos = offsets[e] + warp_counts[warp][e] + rank;
      position_of_slot[s] = pos;
      token_of_position[pos] = s / k;
    }
    __syncthreads();
  }
}
