// The shape of one attention call, shared by the exact kernels (Attention.cu) and the tiled tensor-core
// kernels (FlashAttention.cu); the host writes it as nine int64 (kernels/Attention.ts).
#pragma once

struct AttentionShape {
  long long batch, tq, s, heads, kv_heads, head_dim, window, offset, has_segments;
};
