// Every fused kernel medgpt adds to tfjs: its name, its attributes, and (in the comment) its inputs and
// outputs. This is the contract between the ops (which call runKernel), the gradients, the host and
// wasm kernels in src/kernels/ and any other backend (backend-cuda): they all take names and attrs from
// here, as tfjs's own kernel_names.ts does for its kernels. docs/adding-a-kernel.md says what else a new
// kernel needs.
import type { Distribution } from './random/distributions.js';
import type { tf } from './tf.js';

// ---- normalisation, position embedding, activation

/** y = x / sqrt(mean(x^2 over the last axis) + eps) * weight. */
export const RmsNorm = 'RmsNorm';
/** Inputs: `x` float32 of any rank with last dim H, `weight` float32 [H]. Output: y, shaped like x. */
export interface RmsNormAttrs extends tf.NamedAttrMap {
  eps: number;
}

/**
 * Backward of RmsNorm. Inputs `dy` (shaped like x), `x`, `weight` [H]; RmsNormAttrs. Outputs [dx shaped
 * like x, dweight [H]]. The row's 1/rms is recomputed rather than saved by the forward, so the forward
 * stays a one-output kernel.
 */
export const RmsNormGrad = 'RmsNormGrad';

/**
 * Rotary position embedding of q and k in one launch (HF `rotate_half` layout).
 * Inputs: `q` float32 [T, numHeads*headDim], `k` float32 [T, numKvHeads*headDim], `positions` int32 [T].
 * Outputs: [q rotated, k rotated], shaped like q and k. In every head, feature i < R/2 pairs with
 * i + R/2 (R = 2 * invFreq.length, the rotary dim) and turns by angle position * invFreq[i]; features
 * from R to headDim pass through. Both outputs are multiplied by `attentionScaling` (HF multiplies cos
 * and sin by it).
 */
export const Rope = 'Rope';
export interface RopeAttrs extends tf.NamedAttrMap {
  headDim: number;
  /** Used as float32 values, as HF's inv_freq buffer. */
  invFreq: number[];
  attentionScaling: number;
}

/**
 * Backward of Rope. Inputs `dyQ`, `dyK` (gradients of the two outputs) and `positions`; RopeAttrs.
 * Outputs [dq, dk]: each head turned back by minus its angle, times the scaling.
 */
export const RopeGrad = 'RopeGrad';

/**
 * y = silu(gate) * up = gate * sigmoid(gate) * up, elementwise. Inputs: `gate` and `up`, float32 of
 * one shape. Output: y of that shape. No attrs.
 */
export const Swiglu = 'Swiglu';

/** Backward of Swiglu. Inputs `dy`, `gate`, `up` (one shape). Outputs [dgate, dup]. No attrs. */
export const SwigluGrad = 'SwigluGrad';

// ---- attention

/**
 * Causal scaled-dot-product attention with grouped-query heads, token-major 2-D layout.
 * Inputs: `q` float32 [B*Tq, H*D], `k` and `v` float32 [B*S, Hkv*D], `attentionMask` int32 [B, S]
 * (nonzero = real key), `segmentIds` int32 [B, S] (packed-sample id of each key position; read only when
 * attr `hasSegmentIds`, otherwise any tensor, e.g. the mask again). Output float32 [B*Tq, H*D]. Query
 * row i of a sequence sits at absolute position p = queryOffset + i and sees key j iff j <= p,
 * mask[b, j] != 0, with segments segmentIds[b, j] == segmentIds[b, p], and, with a sliding window W,
 * p - j < W (HF's `kv_idx > q_idx - sliding_window`: W keys counting itself). A row that sees no key
 * outputs 0.
 */
export const Attention = 'Attention';
export interface AttentionAttrs extends tf.NamedAttrMap {
  batch: number;
  numHeads: number;
  numKvHeads: number;
  scale: number;
  /** Keys a query sees counting itself; 0 means no window. */
  slidingWindow: number;
  /** Absolute position of the first query row (the KV-cache length before these queries). */
  queryOffset: number;
  /**
   * Whether the `segmentIds` input holds real segment ids. A flag rather than an all-equal ids tensor,
   * so unpacked batches allocate nothing for it.
   */
  hasSegmentIds: boolean;
}

/**
 * Backward of Attention. Inputs `q`, `k`, `v`, `attentionMask`, `segmentIds` (as the forward), `out`
 * (the forward's output) and `dy` (shaped like out); AttentionAttrs. Outputs [dq, dk, dv] shaped like
 * q, k, v. The probabilities are recomputed row by row from q and k (flash-attention style), so nothing
 * of size [B, H, Tq, S] is saved or allocated. Rows that saw no key contribute nothing.
 */
export const AttentionGrad = 'AttentionGrad';

/**
 * Writes rows of `rows` into `cache` at row `indices[i]`, in place where it can. Inputs `cache` float32
 * [R, W], `rows` float32 [N, W], `indices` int32 [N] (rows of the cache). Output: the cache with row
 * indices[i] replaced by rows[i]; a backend that can returns the cache's own buffer (refcount + 1). No
 * attrs.
 */
export const WriteCacheRows = 'WriteCacheRows';

// ---- losses over logits

/**
 * Softmax cross-entropy of `logits` float32 [N, V] against `labels` int32 [N]. Rows whose label is
 * `ignoreIndex` are skipped. Output: a float32 scalar, the sum of -log softmax(row)[label] ('sum') or
 * that sum over the number of counted rows ('mean'; 0 when every row is ignored).
 */
export const CrossEntropy = 'CrossEntropy';
export interface CrossEntropyAttrs extends tf.NamedAttrMap {
  ignoreIndex: number;
  reduction: 'mean' | 'sum';
}

/**
 * Backward of CrossEntropy. Inputs `logits` [N, V], `labels` [N], `dy` (scalar); CrossEntropyAttrs.
 * Output dlogits [N, V] = (softmax - onehot) * dy / count ('mean') or * dy ('sum'); ignored rows, and
 * every row when all are ignored, get 0.
 */
export const CrossEntropyGrad = 'CrossEntropyGrad';

/**
 * Per-token log-probabilities. Inputs `logits` float32 [N, V], `labels` int32 [N]. Output float32 [N]:
 * log softmax(row)[label], and 0 where label == ignoreIndex.
 */
export const TokenLogprobs = 'TokenLogprobs';
export interface TokenLogprobsAttrs extends tf.NamedAttrMap {
  ignoreIndex: number;
}

/**
 * Backward of TokenLogprobs. Inputs `logits` [N, V], `labels` [N], `dy` [N]; TokenLogprobsAttrs. Output
 * dlogits [N, V]: row i is dy_i * (onehot(label_i) - softmax(row i)), 0 if ignored.
 */
export const TokenLogprobsGrad = 'TokenLogprobsGrad';

// ---- LoRA and quantised weights

/**
 * A LoRA linear layer in one launch, y = x Wᵀ (+ b) + scale · (drop(x) Aᵀ) Bᵀ.
 *
 * Inputs: `x` [T, in], `weight` [out, in] (torch layout), optional `bias` [out], `loraA` [r, in],
 * `loraB` [out, r]; all float32. Outputs: [y [T, out], xa [T, r]] where xa = drop(x) Aᵀ is what the
 * backward needs besides x (the gradient saves it; callers drop it). The dropout mask is not stored:
 * it is regenerated from the Philox stream named by the attrs, forward and backward.
 */
export const LoraLinear = 'LoraLinear';
export interface LoraLinearAttrs extends tf.NamedAttrMap {
  /** lora_alpha / r, or lora_alpha / sqrt(r) for rsLoRA. */
  scale: number;
  /** LoRA dropout probability; 0 = no dropout (key/offset unused). */
  dropoutRate: number;
  key0: number;
  key1: number;
  /** First Philox block of the mask (Generator.reserve(T * in)). */
  offset: number;
}

/**
 * Backward of LoraLinear. Inputs `dy` [T, out], `x` [T, in], `weight` [out, in], `loraA` [r, in],
 * `loraB` [out, r] and the forward's `xa` [T, r]; LoraLinearAttrs. Outputs [dx [T, in], dA [r, in],
 * dB [out, r]]. The frozen weight gets no gradient here (see gradients/LoraLinear_grad.ts).
 */
export const LoraLinearGrad = 'LoraLinearGrad';

// ---- mixture of experts

/**
 * One matmul per group of rows, in one launch: rows [o_e, o_e + groupSizes[e]) of `x` (o_e the sum of
 * the sizes before e) times expert e's weight; the rows after the last group are 0.
 *
 * Inputs: `x` float32 [rows, in], `weight` float32 [E, out, in] (torch's Linear layout per expert, with
 * `transposeWeight`: y = x W_eᵀ) or [E, in, out] (without: y = x W_e), `groupSizes` int32 [E] (>= 0,
 * summing to at most `rows`). Output: y float32 [rows, out]. The sizes may stay on the device (a device
 * backend reads them there, so no host sync is needed).
 */
export const GroupedMatMul = 'GroupedMatMul';
export interface GroupedMatMulAttrs extends tf.NamedAttrMap {
  transposeWeight: boolean;
}

/**
 * The weight gradient of GroupedMatMul: per group e, out[e] = a_eᵀ b_e over the group's rows (zeros for
 * an empty group). Inputs: `a` float32 [rows, m], `b` float32 [rows, n], `groupSizes` int32 [E] (as
 * GroupedMatMul's). Output: float32 [E, m, n]. No attrs.
 */
export const GroupedMatMulWeightGrad = 'GroupedMatMulWeightGrad';

/**
 * Top-k routing of a mixture of experts with its tokens sorted by expert (a counting sort), in one
 * dispatch and without leaving the device. Input: `probs` float32 [T, E] (the router's probabilities).
 * Slot s = t * k + j is token t's j-th choice. Outputs, all int32:
 *   [experts [T * k]: each slot's expert, the k largest probabilities of the row, largest first (ties:
 *    the lower index; NaN below every number),
 *    groupSizes [E]: slots per expert,
 *    tokenOfPosition [T * k]: the slots sorted by expert (each expert's in slot order) -> their token,
 *    positionOfSlot [T * k]: slot -> its sorted position].
 * Not differentiable (integer outputs; its gradient is zero).
 */
export const ExpertRouting = 'ExpertRouting';
export interface ExpertRoutingAttrs extends tf.NamedAttrMap {
  k: number;
}

/** The dtypes a dequantising kernel rounds its float32 products to (a quantised weight's own dtype). */
export const DEQUANTIZE_DTYPES = ['float32', 'bfloat16', 'float16'] as const;
export type DequantizeDtype = (typeof DEQUANTIZE_DTYPES)[number];

/**
 * A 4-bit blockwise-quantised weight (bitsandbytes' NF4/FP4 layout) back to float32.
 *
 * Inputs: `packed` int32 [ceil(n / 8)] (the weight's bytes, little-endian, 4 per word; byte i holds
 * element 2i in its high nibble and 2i + 1 in its low one), `absmax` float32 [ceil(n / blocksize)],
 * `code` float32 [16] (the value of each 4-bit code). Output: float32 of `shape`, element i =
 * round(code[nibble i] * absmax[floor(i / blocksize)]) to `dtype`, the product in float32 as
 * bitsandbytes' kernel computes it.
 */
export const Dequantize4bit = 'Dequantize4bit';
export interface Dequantize4bitAttrs extends tf.NamedAttrMap {
  shape: number[];
  blocksize: number;
  dtype: DequantizeDtype;
  /** See DequantizeInt8Attrs.matmulOperand. */
  matmulOperand: boolean;
}

/**
 * `Dequantize4bit` with a double-quantised absmax (bitsandbytes' `compress_statistics`): the absmax of
 * block b is itself an 8-bit code, `absmax[b] = absmaxCode[q8[b]] * nestedAbsmax[b / nestedBlocksize] +
 * offset` (each step rounded to float32, as bitsandbytes dequantises it first), so the absmax costs a
 * byte per block instead of four.
 *
 * Inputs: `packed` and `code` as Dequantize4bit, `absmaxCodes` int32 [ceil(blocks / 4)] (a byte per
 * block), `absmaxCode` float32 [256], `nestedAbsmax` float32 [ceil(blocks / nestedBlocksize)].
 */
export const Dequantize4bitNested = 'Dequantize4bitNested';
export interface Dequantize4bitNestedAttrs extends Dequantize4bitAttrs {
  nestedBlocksize: number;
  /** The mean subtracted before the absmax was quantised (float32). */
  offset: number;
}

/**
 * A weight quantised row-wise to int8 (LLM.int8(): bitsandbytes' `weight` + `SCB`) back to float32.
 *
 * Inputs: `packed` int32 [ceil(rows * cols / 4)] (the int8 codes, row-major, little-endian, 4 per word),
 * `scb` float32 [rows] (each row's absmax). Output: float32 [rows, cols], element (r, c) =
 * (q * scb[r]) * (1 / 127), each product rounded to float32 as `int8_vectorwise_dequant` computes it.
 */
export const DequantizeInt8 = 'DequantizeInt8';
export interface DequantizeInt8Attrs extends tf.NamedAttrMap {
  shape: number[];
  /**
   * The result only feeds matmuls (a quantised linear layer's transient weight): a backend whose
   * matmuls read bf16 operands may store just those bf16 values (cuda in 'bf16' precision writes them
   * straight from the codes, with no float32 buffer), so values read back are then rounded to bf16.
   * Host backends ignore it.
   */
  matmulOperand: boolean;
}

/**
 * A float32 tensor rounded to bfloat16 (nearest, ties to even; NaN stays NaN), still float32 at the
 * API: the storage kind of frozen weights QLoRA keeps in bf16 (embeddings, lm_head). A device backend
 * may hold only the 2-byte values (cuda does: half the memory, read directly by gathers and bf16
 * matmuls, widened once for any other kernel). Input `x` float32; output of its shape. No attrs.
 */
export const RoundToBf16 = 'RoundToBf16';

// ---- optimizers: one step per launch; hyperparameters are attrs, so a step uploads no scalars

/**
 * One torch.optim.AdamW step (amsgrad off) for one parameter tensor. Inputs `param`, `grad`, `m`
 * (exp_avg), `v` (exp_avg_sq): float32, one shape. Outputs [param, m, v] after step number `step` (1 for
 * the first), with torch's arithmetic:
 *   param *= 1 - lr * weightDecay
 *   m = beta1 * m + (1 - beta1) * grad;  v = beta2 * v + (1 - beta2) * grad^2
 *   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 */
export const AdamWUpdate = 'AdamWUpdate';
export interface AdamWUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/**
 * AdamWUpdate for a whole group of parameter tensors in one dispatch (torch's foreach/fused AdamW).
 * Inputs for tensor i of n = steps.length: `param{i}`, `grad{i}`, `m{i}` (exp_avg), `v{i}`
 * (exp_avg_sq), float32, one shape per i (`multiTensorAdamWInputs` names them). Outputs [param0, m0, v0,
 * param1, m1, v1, ...]: each tensor updated exactly as AdamWUpdate does with step steps[i]. A device
 * backend may update in place and return the input buffers (refcount + 1): the caller replaces params,
 * m and v with the outputs and keeps no other handle on the inputs.
 */
export const MultiTensorAdamWUpdate = 'MultiTensorAdamWUpdate';
export interface MultiTensorAdamWUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Steps taken by each tensor, this one included (1 for the first). */
  steps: number[];
}

/** MultiTensorAdamWUpdate's inputs for `tensors` (param, grad, m, v each), in the names above. */
export function multiTensorAdamWInputs(
  tensors: { param: tf.Tensor; grad: tf.Tensor; m: tf.Tensor; v: tf.Tensor }[],
): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  tensors.forEach(({ param, grad, m, v }, i) => {
    inputs[`param${i}`] = param;
    inputs[`grad${i}`] = grad;
    inputs[`m${i}`] = m;
    inputs[`v${i}`] = v;
  });
  return inputs;
}

/**
 * One torch.optim.SGD step for one parameter tensor. Inputs `param`, `grad` and, from the second step
 * on when momentum != 0, `buf` (momentum_buffer). Outputs [param] when momentum is 0, else [param, buf].
 * torch's arithmetic:
 *   d = grad + weightDecay * param
 *   buf = first step ? d : momentum * buf + (1 - dampening) * d;  d = nesterov ? d + momentum * buf : buf
 *   param -= lr * d
 */
export const SgdUpdate = 'SgdUpdate';
export interface SgdUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

// ---- random numbers (Philox4x32-10: the same seed gives the same numbers on every backend)

/**
 * A tensor of samples drawn from a Philox stream. No inputs; everything that decides the values is in
 * the attrs, so a device backend computes the same numbers on the device.
 */
export const PhiloxRandom = 'PhiloxRandom';
/**
 * `shape` of the output (float32); `key0`, `key1`: the Philox key; `offset`: the first block; then the
 * distribution and its parameters. Element i uses word i of the stream (see random/distributions.ts).
 */
export type PhiloxRandomAttrs = {
  shape: number[];
  key0: number;
  key1: number;
  offset: number;
} & Distribution;

/**
 * Inverted dropout whose mask is regenerated from the attrs, so the gradient (the same kernel applied
 * to dy) needs no saved mask. Input `x` (float32). Element i is kept, scaled by 1 / (1 - rate), when
 * word i of the Philox stream (key0, key1) from block `offset`, as a uniform in [0, 1), is >= rate;
 * otherwise it is zeroed.
 */
export const PhiloxDropout = 'PhiloxDropout';
export interface PhiloxDropoutAttrs extends tf.NamedAttrMap {
  rate: number;
  key0: number;
  key1: number;
  offset: number;
}

/** Every kernel above, as one list (backends check their registrations against it). */
export const FUSED_KERNELS = [
  RmsNorm,
  RmsNormGrad,
  Rope,
  RopeGrad,
  Swiglu,
  SwigluGrad,
  Attention,
  AttentionGrad,
  WriteCacheRows,
  CrossEntropy,
  CrossEntropyGrad,
  TokenLogprobs,
  TokenLogprobsGrad,
  LoraLinear,
  LoraLinearGrad,
  GroupedMatMul,
  GroupedMatMulWeightGrad,
  ExpertRouting,
  Dequantize4bit,
  Dequantize4bitNested,
  DequantizeInt8,
  RoundToBf16,
  AdamWUpdate,
  MultiTensorAdamWUpdate,
  SgdUpdate,
  PhiloxRandom,
  PhiloxDropout,
] as const;
